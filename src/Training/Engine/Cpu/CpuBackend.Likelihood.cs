using System.Numerics.Tensors;
using VaePipeline.Model;

namespace VaePipeline.Training.Engine.Cpu;

public sealed unsafe partial class CpuBackend
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    public void LogLikelihood(Likelihood likelihood, Slice logits, Slice x, int rows, int cols, Slice logLikPerRow,
        bool withGradient, float gradScale, Slice dLogits)
    {
        Check(logits, rows * cols, nameof(logits));
        Check(x, rows * cols, nameof(x));
        Check(logLikPerRow, rows, nameof(logLikPerRow));
        if (withGradient) Check(dLogits, rows * cols, nameof(dLogits));
        if (likelihood is not (Likelihood.Bernoulli or Likelihood.Gaussian))
            throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, null);
        var kernel = new LikelihoodKernel
        {
            Kind = likelihood, Logits = Ptr(logits), X = Ptr(x), PerRow = Ptr(logLikPerRow),
            DLogits = withGradient ? Ptr(dLogits) : null, Cols = cols, GradScale = gradScale,
        };
        // Rows are independent and each is summed by one thread, so the split never changes a row's value.
        RangeKernel.Run(ref kernel, rows, Threads, minPerPart: Math.Max(1, 8192 / cols));
    }

    private struct LikelihoodKernel : IRangeKernel
    {
        public Likelihood Kind;
        public float* Logits, X, PerRow, DLogits; // DLogits null: no gradient
        public int Cols;
        public float GradScale;

        public readonly void Run(int start, int end)
        {
            Span<float> t = Cols <= 4096 ? stackalloc float[Cols] : new float[Cols];
            for (int r = start; r < end; r++)
            {
                var l = new ReadOnlySpan<float>(Logits + (nint)r * Cols, Cols);
                var x = new ReadOnlySpan<float>(X + (nint)r * Cols, Cols);
                var d = DLogits is null ? default : new Span<float>(DLogits + (nint)r * Cols, Cols);
                PerRow[r] = Kind == Likelihood.Bernoulli ? BernoulliRow(l, x, t, d, GradScale) : GaussianRow(l, x, t, d, GradScale);
            }
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
