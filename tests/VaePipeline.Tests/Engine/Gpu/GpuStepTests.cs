using VaePipeline.Model;
using VaePipeline.Tests.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Model;
using VaePipeline.Training.Optim;

namespace VaePipeline.Tests.Engine.Gpu;

/// <summary>
/// A whole training step on the GPU backend: forward, backward and Adam against PyTorch's float64 fixtures, and
/// against the CPU backend for the settings the fixtures do not cover (every activation, both heads, both KLs,
/// the Gaussian likelihood).
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class GpuStepTests(GpuTestDevice device)
{
    [Theory]
    [InlineData("vae_step_tanh_h32_z2.json")]
    [InlineData("vae_step_relu_h64-32_z3.json")]
    public void Forward_gradients_and_adam_match_pytorch(string fixture) => PyTorchReferenceTests.StepMatches(fixture, device.Backend);

    public static TheoryData<Activation, PosteriorHead, KlEstimator, Likelihood> Settings => new()
    {
        { Activation.Elu, PosteriorHead.LogVariance, KlEstimator.MonteCarlo, Likelihood.Gaussian },
        { Activation.Softplus, PosteriorHead.LogSigma, KlEstimator.MonteCarlo, Likelihood.Bernoulli },
        { Activation.Relu, PosteriorHead.LogVariance, KlEstimator.Analytic, Likelihood.Bernoulli },
        { Activation.Tanh, PosteriorHead.LogSigma, KlEstimator.Analytic, Likelihood.Gaussian },
    };

    [Theory, MemberData(nameof(Settings))]
    public void Two_steps_match_the_cpu_backend(Activation activation, PosteriorHead head, KlEstimator kl, Likelihood likelihood)
    {
        var config = new VaeConfig { Input = 50, Hidden = [23, 17], Latent = 3, Activation = activation, Posterior = head, Kl = kl, Likelihood = likelihood, Beta = 0.7f };
        const int rows = 9;
        var rng = new Random(21);
        var x = Enumerable.Range(0, rows * config.Input).Select(_ => rng.NextSingle()).ToArray();
        var eps = Enumerable.Range(0, rows * config.Latent).Select(_ => 2 * rng.NextSingle() - 1).ToArray();
        var initial = new ParameterLayout(config).Initialize(5);
        var gpu = Steps(device.Backend, config, initial, x, eps, rows);
        var cpu = Steps(device.Reference, config, initial, x, eps, rows);
        Close.All("log p per row", Doubles(cpu.LogLik), gpu.LogLik);
        Close.All("kl per row", Doubles(cpu.Kl), gpu.Kl);
        Close.All("gradients", Doubles(cpu.Gradients), gpu.Gradients);
        Close.All("parameters after two Adam steps", Doubles(cpu.Parameters), gpu.Parameters);
    }

    private static double[] Doubles(float[] values) => values.Select(v => (double)v).ToArray();

    private static (float[] LogLik, float[] Kl, float[] Gradients, float[] Parameters) Steps(IBackend backend, VaeConfig config,
        float[] initial, float[] x, float[] eps, int rows)
    {
        var vae = new Vae(config, backend, rows);
        var adam = new Adam(backend, vae.Layout.Count, new AdamSettings());
        backend.Upload(initial, vae.Parameters);
        backend.Upload(x, vae.Input);
        backend.Upload(eps, vae.Noise);
        for (int step = 0; step < 2; step++)
        {
            vae.Forward(rows, withGradient: true);
            vae.Backward(rows, adam);
        }
        return (GpuTestDevice.Read(backend, vae.LogLikelihoodPerRow), GpuTestDevice.Read(backend, vae.KlPerRow),
            GpuTestDevice.Read(backend, vae.Gradients), GpuTestDevice.Read(backend, vae.Parameters));
    }
}
