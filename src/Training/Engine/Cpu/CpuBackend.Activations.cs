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

    /// <summary>y[r, c] = act(y[r, c] + bias[c]) on rows [start, end).</summary>
    private struct BiasActivationKernel : IRangeKernel
    {
        public Activation? Function;
        public float* Y, Bias;
        public int Cols;

        public readonly void Run(int start, int end)
        {
            var b = new ReadOnlySpan<float>(Bias, Cols);
            Span<float> scratch = Function is Activation.Elu or Activation.Softplus
                ? Cols <= 4096 ? stackalloc float[Cols] : new float[Cols]
                : default;
            for (int r = start; r < end; r++)
            {
                var row = new Span<float>(Y + (nint)r * Cols, Cols);
                TensorPrimitives.Add(row, b, row);
                switch (Function)
                {
                    case null: break;
                    case Activation.Tanh: TensorPrimitives.Tanh(row, row); break;
                    case Activation.Relu: TensorPrimitives.Max(row, 0f, row); break;
                    case Activation.Elu:
                        // elu(x) = max(x, 0) + expm1(min(x, 0)): each branch vanishes where the other applies.
                        TensorPrimitives.Min(row, 0f, scratch);
                        TensorPrimitives.ExpM1(scratch, scratch);
                        TensorPrimitives.Max(row, 0f, row);
                        TensorPrimitives.Add(row, scratch, row);
                        break;
                    case Activation.Softplus:
                        // softplus(x) = max(x, 0) + log1p(exp(−|x|)), finite for every x.
                        TensorPrimitives.Abs(row, scratch);
                        TensorPrimitives.Negate(scratch, scratch);
                        TensorPrimitives.Exp(scratch, scratch);
                        TensorPrimitives.LogP1(scratch, scratch);
                        TensorPrimitives.Max(row, 0f, row);
                        TensorPrimitives.Add(row, scratch, row);
                        break;
                }
            }
        }
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
