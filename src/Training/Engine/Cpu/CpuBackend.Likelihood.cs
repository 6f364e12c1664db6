using System.Numerics.Tensors;
using VaePipeline.Model;

namespace VaePipeline.Training.Engine.Cpu;

public sealed partial class CpuBackend
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    public void LogLikelihood(Likelihood likelihood, Slice logits, Slice x, int rows, int cols, Slice logLikPerRow,
        bool withGradient, float gradScale, Slice dLogits)
    {
        Check(logits, rows * cols, nameof(logits));
        Check(x, rows * cols, nameof(x));
        Check(logLikPerRow, rows, nameof(logLikPerRow));
        if (withGradient) Check(dLogits, rows * cols, nameof(dLogits));
        var ls = Span(logits);
        var xs = Span(x);
        var perRow = Span(logLikPerRow);
        var t = Scratch(cols);
        for (int r = 0; r < rows; r++)
        {
            var l = ls.Slice(r * cols, cols);
            var xr = xs.Slice(r * cols, cols);
            var d = withGradient ? Span(dLogits).Slice(r * cols, cols) : default;
            perRow[r] = likelihood switch
            {
                Likelihood.Bernoulli => BernoulliRow(l, xr, t, d, gradScale),
                Likelihood.Gaussian => GaussianRow(l, xr, t, d, gradScale),
                _ => throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, null),
            };
        }
    }

    /// <summary>
    /// log p(x|l) = Σ x·l − softplus(l) with softplus(l) = max(l, 0) + log1p(exp(−|l|)): exp never overflows and
    /// log1p keeps the small terms. The gradient of the negative is sigmoid(l) − x.
    /// </summary>
    private static float BernoulliRow(ReadOnlySpan<float> l, ReadOnlySpan<float> x, Span<float> t, Span<float> d, float scale)
    {
        TensorPrimitives.Abs(l, t);
        TensorPrimitives.Negate(t, t);
        TensorPrimitives.Exp(t, t);
        TensorPrimitives.LogP1(t, t);
        double logLik = (double)TensorPrimitives.Dot(x, l) - TensorPrimitives.Sum(t);
        TensorPrimitives.Max(l, 0f, t);
        logLik -= TensorPrimitives.Sum(t);
        if (!d.IsEmpty)
        {
            TensorPrimitives.Sigmoid(l, d);
            TensorPrimitives.Subtract(d, x, d);
            TensorPrimitives.Multiply(d, scale, d);
        }
        return (float)logLik;
    }

    /// <summary>
    /// Unit-variance Gaussian with mean μ = sigmoid(l): log p = −½Σ(x − μ)² − n·½log 2π;
    /// −∂/∂l = (μ − x)·μ·(1 − μ).
    /// </summary>
    private static float GaussianRow(ReadOnlySpan<float> l, ReadOnlySpan<float> x, Span<float> mu, Span<float> d, float scale)
    {
        TensorPrimitives.Sigmoid(l, mu);
        double distance = TensorPrimitives.Distance(mu, x);
        double logLik = -0.5 * distance * distance - l.Length * HalfLog2Pi;
        if (!d.IsEmpty)
        {
            for (int i = 0; i < d.Length; i++)
                d[i] = scale * (mu[i] - x[i]) * mu[i] * (1f - mu[i]);
        }
        return (float)logLik;
    }
}
