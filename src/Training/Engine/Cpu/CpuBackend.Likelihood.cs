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

        public readonly void Run<TLanes, TVector>(int start, int end) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            Span<float> t = Kind == Likelihood.Gaussian ? Cols <= 4096 ? stackalloc float[Cols] : new float[Cols] : default;
            for (int r = start; r < end; r++)
            {
                nint offset = (nint)r * Cols;
                float* d = DLogits is null ? null : DLogits + offset;
                PerRow[r] = Kind == Likelihood.Bernoulli
                    ? BernoulliRow<TLanes, TVector>(Logits + offset, X + offset, d, Cols, GradScale)
                    : GaussianRow(new(Logits + offset, Cols), new(X + offset, Cols), t, d is null ? default : new(d, Cols), GradScale);
            }
        }
    }

    /// <summary>
    /// log p(x|l) = Σ x·l − softplus(l), and the gradient of its negative, sigmoid(l) − x, both from one e^{−|l|} per
    /// element (<see cref="VectorMath"/>): exp never overflows and the small terms keep their precision.
    /// </summary>
    private static float BernoulliRow<TLanes, TVector>(float* l, float* x, float* d, int cols, float scale)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int w = TLanes.Count, i = 0;
        var sum = TLanes.Zero;
        for (; i + w <= cols; i += w)
            sum = TLanes.Add(sum, BernoulliLanes<TLanes, TVector>(TLanes.Load(l + i), TLanes.Load(x + i), d == null ? null : d + i, scale));
        if (i < cols)
        {
            // The ragged end through the same arithmetic, on a zero-padded vector whose padding lanes are then dropped.
            int n = cols - i;
            float* lanes = stackalloc float[3 * w];
            new Span<float>(lanes, 3 * w).Clear();
            new Span<float>(l + i, n).CopyTo(new Span<float>(lanes, w));
            new Span<float>(x + i, n).CopyTo(new Span<float>(lanes + w, w));
            TLanes.Store(lanes, BernoulliLanes<TLanes, TVector>(TLanes.Load(lanes), TLanes.Load(lanes + w), d == null ? null : lanes + 2 * w, scale));
            new Span<float>(lanes + n, w - n).Clear();
            sum = TLanes.Add(sum, TLanes.Load(lanes));
            if (d != null) new Span<float>(lanes + 2 * w, n).CopyTo(new Span<float>(d + i, n));
        }
        return TLanes.Sum(sum);
    }

    /// <summary>x·l − softplus(l) per lane; when <paramref name="d"/> is not null, (sigmoid(l) − x)·scale into it.</summary>
    private static TVector BernoulliLanes<TLanes, TVector>(TVector l, TVector x, float* d, float scale)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        var e = VectorMath.ExpNegAbs<TLanes, TVector>(l);
        if (d != null) TLanes.Store(d, TLanes.Multiply(TLanes.Subtract(VectorMath.Sigmoid<TLanes, TVector>(l, e), x), TLanes.Broadcast(scale)));
        return TLanes.Subtract(TLanes.Multiply(x, l), VectorMath.Softplus<TLanes, TVector>(l, e));
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
