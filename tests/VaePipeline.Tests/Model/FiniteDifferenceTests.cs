using VaePipeline.Model;
using VaePipeline.Numerics;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Model;

namespace VaePipeline.Tests.Model;

/// <summary>
/// Gradients of every option the PyTorch fixtures do not cover, against central differences of the loss.
/// For each parameter tensor, the analytic directional derivative g·v along a random direction v inside that tensor
/// must match (L(θ + hv) − L(θ − hv)) / 2h: one scalar per tensor, far less noisy in float32 than element-wise checks.
/// </summary>
public class FiniteDifferenceTests
{
    private const int Batch = 5;

    public static TheoryData<string, VaeConfig, bool> Cases => new()
    {
        { "gaussian likelihood", Small with { Likelihood = Likelihood.Gaussian }, false },
        { "monte-carlo KL", Small with { Kl = KlEstimator.MonteCarlo }, true },
        { "beta 0.3, relu", Small with { Beta = 0.3f, Activation = Activation.Relu }, true },
        { "elu, two hidden layers", Small with { Activation = Activation.Elu, Hidden = [9, 7] }, true },
        { "softplus, three hidden layers", Small with { Activation = Activation.Softplus, Hidden = [8, 6, 5] }, true },
        { "bernoulli on intensities", Small, false },
        { "gaussian, monte-carlo KL, beta 2", Small with { Likelihood = Likelihood.Gaussian, Kl = KlEstimator.MonteCarlo, Beta = 2f }, false },
        { "log-variance head", Small with { Posterior = PosteriorHead.LogVariance }, true },
        { "log-variance head, monte-carlo KL", Small with { Posterior = PosteriorHead.LogVariance, Kl = KlEstimator.MonteCarlo }, true },
    };

    private static VaeConfig Small => new() { Input = 12, Hidden = [8], Latent = 3 };

    [Theory, MemberData(nameof(Cases))]
    public void Analytic_gradient_matches_central_differences(string name, VaeConfig config, bool binaryInput)
    {
        using var backend = new CpuBackend(1);
        var vae = new Vae(config, backend, Batch);
        var rng = new Rng(42);
        var theta = vae.Layout.Initialize(seed: 7);
        for (int i = 0; i < theta.Length; i++) theta[i] *= 3; // larger weights: activations leave their linear range
        var x = new float[Batch * config.Input];
        for (int i = 0; i < x.Length; i++) x[i] = binaryInput ? (rng.NextFloat() < 0.4f ? 1 : 0) : rng.NextFloat();
        var eps = new float[Batch * config.Latent];
        rng.FillGaussian(eps);
        backend.Upload(x, vae.Input.Sub(0, x.Length));
        backend.Upload(eps, vae.Noise.Sub(0, eps.Length));

        backend.Upload(theta, vae.Parameters);
        vae.Forward(Batch, withGradient: true);
        vae.Backward(Batch);
        var grad = new float[theta.Length];
        backend.Download(vae.Gradients, grad);

        foreach (var t in vae.Layout.Tensors)
        {
            var v = new float[theta.Length];
            for (int i = 0; i < t.Length; i++) v[t.Offset + i] = 2 * rng.NextFloat() - 1;
            double analytic = 0;
            for (int i = 0; i < v.Length; i++) analytic += (double)grad[i] * v[i];

            const float h = 1e-2f;
            double numeric = (Loss(vae, backend, theta, v, h) - Loss(vae, backend, theta, v, -h)) / (2 * h);
            double tolerance = 2e-3 * Math.Max(1, Math.Abs(analytic));
            Assert.True(Math.Abs(numeric - analytic) <= tolerance,
                $"{name}: {t.Name}: analytic {analytic:G6} vs central difference {numeric:G6}");
        }
    }

    /// <summary>loss = −mean(log p(x|z) − β·KL) at θ + h·v, summed in double.</summary>
    private static double Loss(Vae vae, CpuBackend backend, float[] theta, float[] v, float h)
    {
        var shifted = new float[theta.Length];
        for (int i = 0; i < theta.Length; i++) shifted[i] = theta[i] + h * v[i];
        backend.Upload(shifted, vae.Parameters);
        vae.Forward(Batch, withGradient: false);
        var logLik = new float[Batch];
        var kl = new float[Batch];
        backend.Download(vae.LogLikelihoodPerRow, logLik);
        backend.Download(vae.KlPerRow, kl);
        double sum = 0;
        for (int r = 0; r < Batch; r++) sum += logLik[r] - (double)vae.Config.Beta * kl[r];
        return -sum / Batch;
    }
}
