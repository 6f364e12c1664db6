using VaePipeline.Model;
using VaePipeline.Onnx.Proto;

namespace VaePipeline.Tests.Onnx;

/// <summary>Reads exported files back with the generated protobuf parser, as any ONNX consumer would.</summary>
public static class OnnxFiles
{
    public static ModelProto Read(string path) => ModelProto.Parser.ParseFrom(File.ReadAllBytes(path));

    public static ModelProto Encoder(string directory) => Read(Path.Combine(directory, OnnxContract.EncoderFile));

    public static ModelProto Decoder(string directory) => Read(Path.Combine(directory, OnnxContract.DecoderFile));

    /// <summary>metadata_props as a dictionary; a key written twice fails here.</summary>
    public static Dictionary<string, string> Metadata(ModelProto model) => model.MetadataProps.ToDictionary(p => p.Key, p => p.Value);
}
