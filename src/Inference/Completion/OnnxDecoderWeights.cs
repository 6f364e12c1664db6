using System.Runtime.InteropServices;
using VaePipeline.Model;
using VaePipeline.Onnx.Proto;

namespace VaePipeline.Inference.Completion;

/// <summary>
/// Reads the decoder's weights back out of an exported decoder.onnx: the config from its metadata, and each layer's
/// initializers by the checkpoint names the exporter kept (decoder.0.weight … decoder.n.bias). The SVI completion
/// needs the decoder's arithmetic itself (gradients with respect to z), which an ONNX Runtime session does not give.
/// </summary>
public static class OnnxDecoderWeights
{
    /// <exception cref="InvalidDataException">The file has no model config, or lacks a layer's float32 initializers.</exception>
    public static DecoderWeights Read(string decoderPath)
    {
        var model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(decoderPath));
        string configJson = model.MetadataProps.FirstOrDefault(p => p.Key == OnnxContract.Metadata.Config)?.Value
            ?? throw new InvalidDataException($"{decoderPath} has no {OnnxContract.Metadata.Config} metadata; was it written by 'vae export'?");
        var config = VaeConfig.FromJson(configJson);
        var initializers = model.Graph.Initializer.ToDictionary(t => t.Name);
        int[] widths = config.DecoderWidths();
        var layers = new LayerWeights[widths.Length - 1];
        for (int i = 0; i < layers.Length; i++)
        {
            int fanIn = widths[i], fanOut = widths[i + 1];
            layers[i] = new LayerWeights(fanIn, fanOut,
                Floats(initializers, $"decoder.{i}.weight", fanIn * fanOut, decoderPath),
                Floats(initializers, $"decoder.{i}.bias", fanOut, decoderPath));
        }
        return new DecoderWeights(config, layers);
    }

    private static float[] Floats(Dictionary<string, TensorProto> initializers, string name, int count, string path)
    {
        if (!initializers.TryGetValue(name, out var tensor) || tensor.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"{path} has no float32 initializer {name}");
        // The exporter writes raw_data (little-endian float32); other writers may use float_data.
        float[] values = tensor.RawData.Length > 0 ? MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray() : [.. tensor.FloatData];
        return values.Length == count ? values : throw new InvalidDataException($"{path}: {name} holds {values.Length} floats, expected {count}");
    }
}
