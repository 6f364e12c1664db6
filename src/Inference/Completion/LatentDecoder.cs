using VaePipeline.Model;

namespace VaePipeline.Inference.Completion;

/// <summary>
/// The decoder z → logits in double precision, one z at a time, with its backward pass to z. Inference by SVI needs
/// ∂ log p(x|z)/∂z, which the ONNX session does not give; in doubles the gradient can be checked by central
/// differences to many digits. For D = 2 and a 500-wide hidden layer one pass is about a million multiply-adds.
/// </summary>
public sealed class LatentDecoder
{
    private readonly Activation _activation;
    private readonly (int In, int Out, double[] W, double[] B)[] _layers;
    private readonly double[][] _outputs; // per layer, after its activation (the last is the logits)

    public LatentDecoder(DecoderWeights weights)
    {
        _activation = weights.Config.Activation;
        _layers = weights.Layers.Select(l => (l.In, l.Out, Array.ConvertAll(l.Weight, v => (double)v), Array.ConvertAll(l.Bias, v => (double)v))).ToArray();
        _outputs = _layers.Select(l => new double[l.Out]).ToArray();
    }

    public int LatentSize => _layers[0].In;
    public int PixelCount => _layers[^1].Out;

    /// <summary>Logits for one z; the returned array is overwritten by the next call.</summary>
    public double[] Logits(ReadOnlySpan<double> z)
    {
        ReadOnlySpan<double> x = z;
        for (int i = 0; i < _layers.Length; i++)
        {
            var (input, output, w, b) = _layers[i];
            var y = _outputs[i];
            for (int o = 0; o < output; o++)
            {
                double sum = b[o];
                var row = w.AsSpan(o * input, input);
                for (int k = 0; k < input; k++) sum += row[k] * x[k];
                y[o] = i < _layers.Length - 1 ? Activate(sum) : sum;
            }
            x = y;
        }
        return _outputs[^1];
    }

    /// <summary>dz = Σ over logits of dLogits · ∂logits/∂z, for the z of the last <see cref="Logits"/> call.</summary>
    public void Backward(ReadOnlySpan<double> dLogits, Span<double> dz)
    {
        double[] dy = dLogits.ToArray();
        for (int i = _layers.Length - 1; i >= 0; i--)
        {
            var (input, output, w, _) = _layers[i];
            var dx = new double[input];
            for (int o = 0; o < output; o++)
            {
                if (dy[o] == 0) continue; // the masked pixels contribute nothing
                var row = w.AsSpan(o * input, input);
                for (int k = 0; k < input; k++) dx[k] += dy[o] * row[k];
            }
            if (i > 0)
            {
                var y = _outputs[i - 1];
                for (int k = 0; k < input; k++) dx[k] *= Derivative(y[k]);
            }
            dy = dx;
        }
        dy.CopyTo(dz);
    }

    private double Activate(double x) => _activation switch
    {
        Activation.Tanh => Math.Tanh(x),
        Activation.Relu => Math.Max(x, 0),
        Activation.Elu => x > 0 ? x : Math.Exp(x) - 1,
        Activation.Softplus => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(_activation), _activation, null),
    };

    /// <summary>The activation's derivative written in its output y, as the training engine does (docs/engine.md).</summary>
    private double Derivative(double y) => _activation switch
    {
        Activation.Tanh => 1 - y * y,
        Activation.Relu => y > 0 ? 1 : 0,
        Activation.Elu => y > 0 ? 1 : y + 1,
        Activation.Softplus => 1 - Math.Exp(-y),
        _ => throw new ArgumentOutOfRangeException(nameof(_activation), _activation, null),
    };
}
