using VaePipeline.Model;
using VaePipeline.Training.Model;
using VaePipeline.Training.Onnx.Proto;

namespace VaePipeline.Training.Onnx;

/// <summary>
/// Reads the decoder's weights back out of an exported decoder.onnx: the config from its metadata, and each layer's
/// initializers by the checkpoint names the exporter kept (decoder.0.weight … decoder.n.bias). Code that needs the
/// decoder's arithmetic itself (e.g. gradients with respect to z) can then run from the committed ONNX pair.
/// </summary>
public static class OnnxDecoderWeights
{
    public static DecoderWeights Read(string decoderPath)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(decoderPath));
        string configJson = model.MetadataProps.FirstOrDefault(p => p.Key == OnnxContract.Metadata.Config)?.Value
            ?? throw new InvalidDataException($"{decoderPath} has no {OnnxContract.Metadata.Config} metadata; was it written by 'vae export'?");
        var config = VaeConfig.FromJson(configJson);
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        var layout = new ParameterLayout(config);
        var layers = layout.Decoder.Select((l, i) => new LayerWeights(l.In, l.Out,
            Floats(initializers, $"decoder.{i}.weight", l.In * l.Out, decoderPath),
            Floats(initializers, $"decoder.{i}.bias", l.Out, decoderPath))).ToArray();
        return new DecoderWeights(config, layers);
    }

    private static float[] Floats(Dictionary<string, TensorProto> initializers, string name, int count, string path)
    {
        if (!initializers.TryGetValue(name, out var tensor) || tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"{path} has no float32 initializer {name}");
        // The exporter writes raw_data (little-endian float32); other writers may use float_data.
        float[] values = tensor.RawData.Length > 0
            ? System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray()
            : [.. tensor.FloatData];
        return values.Length == count ? values : throw new InvalidDataException($"{path}: {name} holds {values.Length} floats, expected {count}");
    }
}
