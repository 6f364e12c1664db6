using VaePipeline.Model;

namespace VaePipeline.Training.Engine;

/// <summary>
/// All numeric work of training, in the few kernels this model needs. The model, the loss and the loop speak only
/// to this interface, so another device (CUDA) is one more implementation, not a change to them.
/// Matrices are row-major; "rows" is the batch dimension. Every kernel is deterministic.
/// </summary>
public interface IBackend : IDisposable
{
    /// <summary>One line for logs, e.g. "cpu (2 threads, AVX-512)".</summary>
    string Description { get; }

    /// <summary>A zero-filled buffer of <paramref name="length"/> floats.</summary>
    Slice Allocate(int length);

    void Upload(ReadOnlySpan<float> source, Slice destination);

    void Download(Slice source, Span<float> destination);

    /// <summary>c[m×n] = alpha·op(a)·op(b) + beta·c with op(a) m×k and op(b) k×n; a, b, c packed (leading dimension = width).</summary>
    void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Slice a, Slice b, float beta, Slice c);

    /// <summary>y[r, c] = act(y[r, c] + bias[c]) in place; a null activation adds the bias only.</summary>
    void BiasActivation(Activation? activation, Slice y, Slice bias, int rows, int cols);

    /// <summary>dy ⊙= act′, with the derivative written in terms of the activation's output y (all four allow it).</summary>
    void ActivationBackward(Activation activation, Slice y, Slice dy);

    /// <summary>sums[c] = Σ_r m[r, c]: the bias gradient.</summary>
    void SumRows(Slice m, int rows, int cols, Slice sums);

    /// <summary>
    /// From the encoder output h = [μ | s] (rows × 2D), log σ = logSigmaScale · s, and noise ε (rows × D):
    /// z = μ + σ ⊙ ε and, per row, the KL term — analytic ½Σ(μ² + σ² − 1 − 2 log σ), or the single-sample
    /// log q(z|x) − log p(z) = Σ(½z² − ½ε² − log σ).
    /// </summary>
    void LatentForward(KlEstimator kl, Slice h, Slice eps, int rows, int latent, float logSigmaScale, Slice z, Slice klPerRow);

    /// <summary>
    /// dh = ∂/∂h of (the loss reaching z as dz) + klWeight·Σ_rows KL: the reparameterisation's chain rule plus the KL's own gradient.
    /// </summary>
    void LatentBackward(KlEstimator kl, Slice h, Slice eps, Slice z, Slice dz, int rows, int latent, float logSigmaScale,
        float klWeight, Slice dh);

    /// <summary>
    /// Per row, log p(x|z) from decoder logits, and, when <paramref name="withGradient"/>, dLogits = gradScale · (−∂ log p / ∂ logits).
    /// Bernoulli: Σ x·l − softplus(l), stable for any logit. Gaussian (unit variance, mean sigmoid(l)): −½Σ(x − μ)² − (n/2)·log 2π.
    /// </summary>
    void LogLikelihood(Likelihood likelihood, Slice logits, Slice x, int rows, int cols, Slice logLikPerRow,
        bool withGradient, float gradScale, Slice dLogits);

    /// <summary>One Adam step over a flat buffer, in PyTorch's arithmetic: p −= lr/(1−β₁ᵗ) · m / (√v / √(1−β₂ᵗ) + ε).</summary>
    void AdamStep(Slice parameters, Slice gradients, Slice m, Slice v, AdamSettings settings, long step);
}

/// <summary>Adam's hyper-parameters; the defaults are Kingma &amp; Ba's and PyTorch's.</summary>
public sealed record AdamSettings(float LearningRate = 1e-3f, float Beta1 = 0.9f, float Beta2 = 0.999f, float Epsilon = 1e-8f)
{
    public AdamSettings Validate()
    {
        if (!(LearningRate > 0) || float.IsInfinity(LearningRate)) throw new ArgumentException($"learning rate must be a positive number (got {LearningRate})");
        if (!(Beta1 >= 0 && Beta1 < 1) || !(Beta2 >= 0 && Beta2 < 1)) throw new ArgumentException($"Adam betas must lie in [0, 1) (got {Beta1}, {Beta2})");
        if (!(Epsilon > 0)) throw new ArgumentException($"Adam epsilon must be positive (got {Epsilon})");
        return this;
    }
}
