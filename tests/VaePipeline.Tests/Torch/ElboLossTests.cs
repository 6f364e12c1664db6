using VaePipeline.Model;
using VaePipeline.Tests.Model;
using VaePipeline.Training.Model;

namespace VaePipeline.Tests.Torch;

/// <summary>
/// Both engines compute the per-row terms that <see cref="ElboLoss"/> defines: each engine's log p(x|z) and KL per row
/// against the definition evaluated in double on that engine's own logits, μ and log σ, for every likelihood and KL.
/// </summary>
public class ElboLossTests
{
    [Theory]
    [InlineData(Likelihood.Bernoulli, KlEstimator.Analytic, PosteriorHead.LogSigma)]
    [InlineData(Likelihood.Bernoulli, KlEstimator.MonteCarlo, PosteriorHead.LogVariance)]
    [InlineData(Likelihood.Gaussian, KlEstimator.Analytic, PosteriorHead.LogVariance)]
    [InlineData(Likelihood.Gaussian, KlEstimator.MonteCarlo, PosteriorHead.LogSigma)]
    public void Both_engines_compute_the_defined_terms(Likelihood likelihood, KlEstimator kl, PosteriorHead posterior)
    {
        var config = new VaeConfig { Hidden = [32], Latent = 3, Likelihood = likelihood, Kl = kl, Posterior = posterior, Binarization = Binarization.None };
        const int rows = 12;
        var (parameters, x, eps) = TorchStepTests.Batch(config, rows);
        foreach (var (engine, step) in new[] { ("native", OneStep.Native(config, parameters, x, eps, rows)), ("torch", OneStep.Torch(config, parameters, x, eps, rows)) })
        {
            int p = config.Input, d = config.Latent;
            var expectedLogLik = new double[rows];
            var expectedKl = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                var h = step.EncoderOutput.AsSpan(r * 2 * d, 2 * d);
                var logSigma = h[d..].ToArray().Select(s => s * config.LogSigmaScale).ToArray();
                expectedLogLik[r] = ElboLoss.LogLikelihood(likelihood, step.Logits.AsSpan(r * p, p), x.AsSpan(r * p, p));
                expectedKl[r] = ElboLoss.Kl(kl, h[..d], logSigma, eps.AsSpan(r * d, d));
            }
            Close.All($"{engine} log p(x|z)", expectedLogLik, step.LogLikelihood);
            Close.All($"{engine} kl", expectedKl, step.Kl);
        }
    }

    [Fact]
    public void The_definitions_give_known_values()
    {
        // Bernoulli at logit 0 is log ½ per pixel whatever x; the Gaussian at μ = x is −½ log 2π per pixel.
        Assert.Equal(2 * Math.Log(0.5), ElboLoss.LogLikelihood(Likelihood.Bernoulli, [0f, 0f], [1f, 0f]), 12);
        Assert.Equal(-Math.Log(2 * Math.PI), ElboLoss.LogLikelihood(Likelihood.Gaussian, [0f, 0f], [0.5f, 0.5f]), 12);
        // A posterior equal to the prior has no KL; the single-sample estimate at ε = 0 and μ = 1 is ½.
        Assert.Equal(0, ElboLoss.Kl(KlEstimator.Analytic, [0f, 0f], [0f, 0f], [0.3f, -1f]), 12);
        Assert.Equal(0.5, ElboLoss.Kl(KlEstimator.MonteCarlo, [1f], [0f], [0f]), 12);
        Assert.Equal(-(-10 - 0.5 * 4) / 2, ElboLoss.Loss(-10, 4, 2, 0.5f), 12);
    }
}
