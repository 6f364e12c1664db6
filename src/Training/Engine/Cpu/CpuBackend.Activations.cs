using System.Numerics;
using System.Numerics.Tensors;
using VaePipeline.Model;

namespace VaePipeline.Training.Engine.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void BiasActivation(Activation? activation, Slice y, Slice bias, int rows, int cols)
    {
        Check(y, rows * cols, nameof(y));
        Check(bias, cols, nameof(bias));
        if (activation is not (null or Activation.Tanh or Activation.Relu or Activation.Elu or Activation.Softplus))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        var kernel = new BiasActivationKernel { Function = activation, Y = Ptr(y), Bias = Ptr(bias), Cols = cols };
        RangeKernel.Run(ref kernel, rows, Threads, minPerPart: Math.Max(1, 8192 / cols));
    }

    public void ActivationBackward(Activation activation, Slice y, Slice dy)
    {
        Check(y, dy.Length, nameof(y));
        if (activation is not (Activation.Tanh or Activation.Relu or Activation.Elu or Activation.Softplus))
            throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        var kernel = new ActivationBackwardKernel { Function = activation, Y = Ptr(y), Dy = Ptr(dy) };
        RangeKernel.Run(ref kernel, dy.Length, Threads, minPerPart: 16384, align: 16);
    }

    /// <summary>y[r, c] = act(y[r, c] + bias[c]) on rows [start, end), in one pass over each row.</summary>
    private struct BiasActivationKernel : IRangeKernel
    {
        public Activation? Function;
        public float* Y, Bias;
        public int Cols;

        public readonly void Run(int start, int end)
        {
            var b = new ReadOnlySpan<float>(Bias, Cols);
            Span<float> scratch = Function is Activation.Elu ? Cols <= 4096 ? stackalloc float[Cols] : new float[Cols] : default;
            for (int r = start; r < end; r++)
            {
                float* y = Y + (nint)r * Cols;
                var row = new Span<float>(y, Cols);
                switch (Function)
                {
                    case null: BiasThen<IdentityLanes>(y, Bias, Cols); break;
                    case Activation.Tanh: BiasThen<TanhLanes>(y, Bias, Cols); break;
                    case Activation.Relu: BiasThen<ReluLanes>(y, Bias, Cols); break;
                    case Activation.Softplus: BiasThen<SoftplusLanes>(y, Bias, Cols); break;
                    case Activation.Elu:
                        // elu(x) = max(x, 0) + expm1(min(x, 0)): each branch vanishes where the other applies; expm1 keeps
                        // the precision of small negative x, which e^x − 1 would lose.
                        TensorPrimitives.Add(row, b, row);
                        TensorPrimitives.Min(row, 0f, scratch);
                        TensorPrimitives.ExpM1(scratch, scratch);
                        TensorPrimitives.Max(row, 0f, row);
                        TensorPrimitives.Add(row, scratch, row);
                        break;
                }
            }
        }
    }

    /// <summary>row = act(row + bias), a vector at a time; the ragged end goes through the same arithmetic, padded.</summary>
    private static void BiasThen<TLanes>(float* row, float* bias, int cols) where TLanes : IActivationLanes
    {
        int w = Vector<float>.Count, i = 0;
        for (; i + w <= cols; i += w)
            Vector.Store(TLanes.Apply(Vector.Load(row + i) + Vector.Load(bias + i)), row + i);
        if (i == cols) return;
        float* lanes = stackalloc float[2 * w];
        new Span<float>(lanes, 2 * w).Clear();
        new Span<float>(row + i, cols - i).CopyTo(new Span<float>(lanes, w));
        new Span<float>(bias + i, cols - i).CopyTo(new Span<float>(lanes + w, w));
        Vector.Store(TLanes.Apply(Vector.Load(lanes) + Vector.Load(lanes + w)), lanes);
        new Span<float>(lanes, cols - i).CopyTo(new Span<float>(row + i, cols - i));
    }

    /// <summary>An activation on whole vectors; structs, so each <see cref="BiasThen{TLanes}"/> is its own inlined loop.</summary>
    private interface IActivationLanes
    {
        static abstract Vector<float> Apply(Vector<float> x);
    }

    private readonly struct IdentityLanes : IActivationLanes
    {
        public static Vector<float> Apply(Vector<float> x) => x;
    }

    private readonly struct TanhLanes : IActivationLanes
    {
        public static Vector<float> Apply(Vector<float> x) => VectorMath.Tanh(x);
    }

    private readonly struct ReluLanes : IActivationLanes
    {
        public static Vector<float> Apply(Vector<float> x) => Vector.Max(x, Vector<float>.Zero);
    }

    private readonly struct SoftplusLanes : IActivationLanes
    {
        public static Vector<float> Apply(Vector<float> x) => VectorMath.Softplus(x, VectorMath.ExpNegAbs(x));
    }

    /// <summary>dy ⊙= act′ on elements [start, end), each derivative written in terms of the output y.</summary>
    private struct ActivationBackwardKernel : IRangeKernel
    {
        public Activation Function;
        public float* Y, Dy;

        public readonly void Run(int start, int end)
        {
            float* y = Y, d = Dy;
            int i = start;
            switch (Function)
            {
                case Activation.Tanh:
                    // tanh′ = 1 − y²
                    for (; i + Vector<float>.Count <= end; i += Vector<float>.Count)
                    {
                        var yi = Vector.Load(y + i);
                        Vector.Store(Vector.Load(d + i) * (Vector<float>.One - yi * yi), d + i);
                    }
                    for (; i < end; i++) d[i] *= 1f - y[i] * y[i];
                    break;
                case Activation.Relu:
                    for (; i < end; i++) if (y[i] <= 0f) d[i] = 0f;
                    break;
                case Activation.Elu:
                    // elu′ = 1 for x > 0, else exp(x) = y + 1
                    for (; i < end; i++) if (y[i] <= 0f) d[i] *= y[i] + 1f;
                    break;
                case Activation.Softplus:
                    // softplus′(x) = sigmoid(x) = 1 − exp(−y)
                    for (; i < end; i++) d[i] *= -float.ExpM1(-y[i]);
                    break;
            }
        }
    }
}
