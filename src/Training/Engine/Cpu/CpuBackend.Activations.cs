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

        public readonly void Run<TLanes, TVector>(int start, int end) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            var b = new ReadOnlySpan<float>(Bias, Cols);
            Span<float> scratch = Function is Activation.Elu ? Cols <= 4096 ? stackalloc float[Cols] : new float[Cols] : default;
            for (int r = start; r < end; r++)
            {
                float* y = Y + (nint)r * Cols;
                var row = new Span<float>(y, Cols);
                switch (Function)
                {
                    case null: BiasThen<Identity, TLanes, TVector>(y, Bias, Cols); break;
                    case Activation.Tanh: BiasThen<Tanh, TLanes, TVector>(y, Bias, Cols); break;
                    case Activation.Relu: BiasThen<Relu, TLanes, TVector>(y, Bias, Cols); break;
                    case Activation.Softplus: BiasThen<Softplus, TLanes, TVector>(y, Bias, Cols); break;
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
    private static void BiasThen<TActivation, TLanes, TVector>(float* row, float* bias, int cols)
        where TActivation : IVectorActivation where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int w = TLanes.Count, i = 0;
        for (; i + w <= cols; i += w)
            TLanes.Store(row + i, TActivation.Apply<TLanes, TVector>(TLanes.Add(TLanes.Load(row + i), TLanes.Load(bias + i))));
        if (i == cols) return;
        float* lanes = stackalloc float[2 * w];
        new Span<float>(lanes, 2 * w).Clear();
        new Span<float>(row + i, cols - i).CopyTo(new Span<float>(lanes, w));
        new Span<float>(bias + i, cols - i).CopyTo(new Span<float>(lanes + w, w));
        TLanes.Store(lanes, TActivation.Apply<TLanes, TVector>(TLanes.Add(TLanes.Load(lanes), TLanes.Load(lanes + w))));
        new Span<float>(lanes, cols - i).CopyTo(new Span<float>(row + i, cols - i));
    }

    /// <summary>An activation on whole vectors; structs, so each <see cref="BiasThen{TActivation,TLanes,TVector}"/> is its own inlined loop.</summary>
    private interface IVectorActivation
    {
        static abstract TVector Apply<TLanes, TVector>(TVector x) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged;
    }

    private readonly struct Identity : IVectorActivation
    {
        public static TVector Apply<TLanes, TVector>(TVector x) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged => x;
    }

    private readonly struct Tanh : IVectorActivation
    {
        public static TVector Apply<TLanes, TVector>(TVector x) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged =>
            VectorMath.Tanh<TLanes, TVector>(x);
    }

    private readonly struct Relu : IVectorActivation
    {
        // maxps(0, x) returns x when x is NaN, so a NaN still reaches the loss and stops training.
        public static TVector Apply<TLanes, TVector>(TVector x) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged =>
            TLanes.MaxNative(TLanes.Zero, x);
    }

    private readonly struct Softplus : IVectorActivation
    {
        public static TVector Apply<TLanes, TVector>(TVector x) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged =>
            VectorMath.Softplus<TLanes, TVector>(x, VectorMath.ExpNegAbs<TLanes, TVector>(x));
    }

    /// <summary>dy ⊙= act′ on elements [start, end), each derivative written in terms of the output y.</summary>
    private struct ActivationBackwardKernel : IRangeKernel
    {
        public Activation Function;
        public float* Y, Dy;

        public readonly void Run<TLanes, TVector>(int start, int end) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            float* y = Y, d = Dy;
            int i = start;
            switch (Function)
            {
                case Activation.Tanh:
                    // tanh′ = 1 − y²
                    for (var one = TLanes.Broadcast(1f); i + TLanes.Count <= end; i += TLanes.Count)
                    {
                        var yi = TLanes.Load(y + i);
                        TLanes.Store(d + i, TLanes.Multiply(TLanes.Load(d + i), TLanes.Subtract(one, TLanes.Multiply(yi, yi))));
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
