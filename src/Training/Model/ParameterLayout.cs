using VaePipeline.Model;
using VaePipeline.Numerics;

namespace VaePipeline.Training.Model;

/// <summary>One named tensor inside the flat parameter buffer, named as a PyTorch state_dict would name it.</summary>
public sealed record ParameterTensor(string Name, int[] Shape, int Offset)
{
    public int Length => Shape.Aggregate(1, (a, b) => a * b);
}

/// <summary>
/// A linear layer y = x·Wᵀ + b with W stored [Out, In] (PyTorch's layout) inside the flat buffer, b right after W.
/// </summary>
public sealed record LinearLayer(int In, int Out, int WeightOffset, int BiasOffset)
{
    /// <summary>Floats of W and b together, the stretch of the buffer from <see cref="WeightOffset"/> on.</summary>
    public int ParameterCount => Out * (In + 1);
}

/// <summary>
/// Where every weight lives in the one contiguous parameter buffer (and, identically, in the gradient buffer and
/// Adam's moment buffers): encoder.0.weight, encoder.0.bias, …, decoder.{n}.bias, in that order.
/// </summary>
public sealed class ParameterLayout
{
    public ParameterLayout(VaeConfig config)
    {
        var tensors = new List<ParameterTensor>();
        int offset = 0;
        Encoder = Build("encoder", config.EncoderWidths(), tensors, ref offset);
        Decoder = Build("decoder", config.DecoderWidths(), tensors, ref offset);
        Tensors = tensors;
        Count = offset;
    }

    public IReadOnlyList<ParameterTensor> Tensors { get; }
    public LinearLayer[] Encoder { get; }
    public LinearLayer[] Decoder { get; }

    /// <summary>Total number of parameters.</summary>
    public int Count { get; }

    private static LinearLayer[] Build(string prefix, int[] widths, List<ParameterTensor> tensors, ref int offset)
    {
        var layers = new LinearLayer[widths.Length - 1];
        for (int i = 0; i < layers.Length; i++)
        {
            int fanIn = widths[i], fanOut = widths[i + 1];
            var weight = new ParameterTensor($"{prefix}.{i}.weight", [fanOut, fanIn], offset);
            offset += weight.Length;
            var bias = new ParameterTensor($"{prefix}.{i}.bias", [fanOut], offset);
            offset += bias.Length;
            tensors.Add(weight);
            tensors.Add(bias);
            layers[i] = new LinearLayer(fanIn, fanOut, weight.Offset, bias.Offset);
        }
        return layers;
    }

    /// <summary>
    /// PyTorch's default nn.Linear initialisation — weights and biases uniform in ±1/√fan_in — so training starts
    /// where the PyTorch reference runs start.
    /// </summary>
    public float[] Initialize(ulong seed)
    {
        var values = new float[Count];
        var rng = Rng.For(seed, RngStream.Init, 0);
        foreach (var layer in Encoder.Concat(Decoder))
        {
            float bound = 1f / MathF.Sqrt(layer.In);
            for (int i = 0; i < layer.In * layer.Out; i++) values[layer.WeightOffset + i] = bound * (2 * rng.NextFloat() - 1);
            for (int i = 0; i < layer.Out; i++) values[layer.BiasOffset + i] = bound * (2 * rng.NextFloat() - 1);
        }
        return values;
    }
}
