using System.Numerics.Tensors;
using VaePipeline.Model;

namespace VaePipeline.Training.Engine.Cpu;

public sealed partial class CpuBackend
{
    public void BiasActivation(Activation? activation, Slice y, Slice bias, int rows, int cols)
    {
        Check(y, rows * cols, nameof(y));
        var all = Span(y);
        var b = Span(bias)[..cols];
        var scratch = Scratch(cols);
        for (int r = 0; r < rows; r++)
        {
            var row = all.Slice(r * cols, cols);
            TensorPrimitives.Add(row, b, row);
            switch (activation)
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
                default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
            }
        }
    }

    public void ActivationBackward(Activation activation, Slice y, Slice dy)
    {
        Check(y, dy.Length, nameof(y));
        var ys = Span(y)[..dy.Length];
        var ds = Span(dy);
        switch (activation)
        {
            case Activation.Tanh:
                // tanh′ = 1 − y²
                const int chunk = 4096;
                var s = Scratch(Math.Min(chunk, ds.Length));
                for (int i = 0; i < ds.Length; i += chunk)
                {
                    int n = Math.Min(chunk, ds.Length - i);
                    var sc = s[..n];
                    TensorPrimitives.Multiply(ys.Slice(i, n), ys.Slice(i, n), sc);
                    TensorPrimitives.Subtract(1f, sc, sc);
                    TensorPrimitives.Multiply(ds.Slice(i, n), sc, ds.Slice(i, n));
                }
                break;
            case Activation.Relu:
                for (int i = 0; i < ds.Length; i++) if (ys[i] <= 0f) ds[i] = 0f;
                break;
            case Activation.Elu:
                // elu′ = 1 for x > 0, else exp(x) = y + 1
                for (int i = 0; i < ds.Length; i++) if (ys[i] <= 0f) ds[i] *= ys[i] + 1f;
                break;
            case Activation.Softplus:
                // softplus′(x) = sigmoid(x) = 1 − exp(−y)
                for (int i = 0; i < ds.Length; i++) ds[i] *= -float.ExpM1(-ys[i]);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        }
    }
}
