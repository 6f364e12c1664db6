using VaePipeline.Model;

namespace VaePipeline.Training.Model;

/// <summary>
/// The loss, written once: the per-row terms of the ELBO that every training engine computes, in plain double
/// arithmetic over one row. For a batch of B rows with β the KL weight,
/// <code>
///   loss = −(1/B) Σ_b (log p(x_b|z_b) − β·KL_b),   z = μ + σ ⊙ ε,   log σ = LogSigmaScale · (second half of the encoder output)
/// </code>
/// Why a specification rather than code both engines call: the native engine computes these terms inside its
/// backend's fused kernels (CpuBackend.Likelihood and .Latent, with their hand-written derivatives, and the CUDA
/// kernels beside them), and the TorchSharp engine builds them from tensor operations so libtorch's autograd
/// differentiates them. No single routine can serve both without giving up what each engine is for, so the
/// definition lives here, readable beside either, and the tests (ElboLossTests) check both engines' per-row terms
/// against these functions for every likelihood and KL estimator; the PyTorch fixtures check the native engine
/// and the torch engine end to end.
/// </summary>
public static class ElboLoss
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>
    /// log p(x|z) of one row from the decoder's logits l. Bernoulli: Σ x·l − softplus(l), the negative of the binary
    /// cross-entropy on logits, finite for any logit (and for x in [0, 1], as binarization "none" gives). Gaussian with
    /// unit variance and mean μ = sigmoid(l): −½ Σ (x − μ)² − (P/2)·log 2π.
    /// </summary>
    public static double LogLikelihood(Likelihood likelihood, ReadOnlySpan<float> logits, ReadOnlySpan<float> x)
    {
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double l = logits[i];
            sum += likelihood switch
            {
                Likelihood.Bernoulli => x[i] * l - (Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l)))),
                Likelihood.Gaussian => -0.5 * Math.Pow(x[i] - 1 / (1 + Math.Exp(-l)), 2) - HalfLog2Pi,
                _ => throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, null),
            };
        }
        return sum;
    }

    /// <summary>
    /// The KL term of one row from the posterior's μ and log σ and the noise ε that drew z = μ + σε. Analytic:
    /// KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ (μ² + σ² − 1 − 2 log σ). Monte Carlo: the single-sample log q(z|x) − log p(z)
    /// = Σ (½ z² − ½ ε² − log σ), whose expectation is the analytic value.
    /// </summary>
    public static double Kl(KlEstimator kl, ReadOnlySpan<float> mu, ReadOnlySpan<float> logSigma, ReadOnlySpan<float> eps)
    {
        double sum = 0;
        for (int j = 0; j < mu.Length; j++)
        {
            double m = mu[j], ls = logSigma[j], sigma = Math.Exp(ls), z = m + sigma * eps[j];
            sum += kl switch
            {
                KlEstimator.Analytic => 0.5 * (m * m + sigma * sigma - 1 - 2 * ls),
                KlEstimator.MonteCarlo => 0.5 * (z * z - (double)eps[j] * eps[j]) - ls,
                _ => throw new ArgumentOutOfRangeException(nameof(kl), kl, null),
            };
        }
        return sum;
    }

    /// <summary>The training loss of a batch from its sums over the rows: −(1/B)(Σ log p(x|z) − β Σ KL).</summary>
    public static double Loss(double sumLogLikelihood, double sumKl, int rows, float beta) => -(sumLogLikelihood - beta * sumKl) / rows;
}
