using System.Numerics;
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
            Span<float> t = Kind == Likelihood.Gaussian ? Cols <= 4096 ? stackalloc float[Cols] : new float[Cols] : default;
            for (int r = start; r < end; r++)
            {
                var l = new ReadOnlySpan<float>(Logits + (nint)r * Cols, Cols);
                var x = new ReadOnlySpan<float>(X + (nint)r * Cols, Cols);
                var d = DLogits is null ? default : new Span<float>(DLogits + (nint)r * Cols, Cols);
                PerRow[r] = Kind == Likelihood.Bernoulli ? BernoulliRow(l, x, d, GradScale) : GaussianRow(l, x, t, d, GradScale);
            }
        }
    }

    /// <summary>
    /// log p(x|l) = Σ x·l − softplus(l), and the gradient of its negative, sigmoid(l) − x, both from one e^{−|l|} per
    /// element (<see cref="VectorMath"/>): exp never overflows and the small terms keep their precision.
    /// </summary>
    private static float BernoulliRow(ReadOnlySpan<float> l, ReadOnlySpan<float> x, Span<float> d, float scale)
    {
        int w = Vector<float>.Count, i = 0;
        var sum = Vector<float>.Zero;
        for (; i + w <= l.Length; i += w)
            sum += BernoulliLanes(new Vector<float>(l[i..]), new Vector<float>(x[i..]), d.IsEmpty ? default : d.Slice(i, w), scale);
        if (i < l.Length)
        {
            // The ragged end through the same arithmetic, on a zero-padded vector whose padding lanes are then dropped.
            int n = l.Length - i;
            Span<float> lanes = stackalloc float[3 * w];
            lanes.Clear();
            l[i..].CopyTo(lanes);
            x[i..].CopyTo(lanes[w..]);
            var terms = BernoulliLanes(new Vector<float>(lanes), new Vector<float>(lanes[w..]), d.IsEmpty ? default : lanes.Slice(2 * w, w), scale);
            var live = Vector.LessThan(Vector.ConvertToSingle(Indices()), new Vector<float>(n));
            sum += Vector.ConditionalSelect(live, terms, Vector<float>.Zero);
            if (!d.IsEmpty) lanes.Slice(2 * w, n).CopyTo(d[i..]);
        }
        return Vector.Sum(sum);
    }

    /// <summary>x·l − softplus(l) per lane; when <paramref name="d"/> is given, (sigmoid(l) − x)·scale into it.</summary>
    private static Vector<float> BernoulliLanes(Vector<float> l, Vector<float> x, Span<float> d, float scale)
    {
        var e = VectorMath.ExpNegAbs(l);
        if (!d.IsEmpty) ((VectorMath.Sigmoid(l, e) - x) * scale).CopyTo(d);
        return x * l - VectorMath.Softplus(l, e);
    }

    private static Vector<int> Indices()
    {
        Span<int> lanes = stackalloc int[Vector<int>.Count];
        for (int k = 0; k < lanes.Length; k++) lanes[k] = k;
        return new Vector<int>(lanes);
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
