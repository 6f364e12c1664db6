using System.Globalization;
using System.Reflection;
using Google.Protobuf;
using VaePipeline.IO;
using VaePipeline.Model;
using VaePipeline.Training.Model;
using VaePipeline.Onnx.Proto;

namespace VaePipeline.Training.Onnx;

/// <summary>
/// Writes a trained VAE as two standard ONNX files, <see cref="OnnxContract.EncoderFile"/> and
/// <see cref="OnnxContract.DecoderFile"/> (opset 17, IR version 8, float32, dynamic batch dimension N), which
/// ONNX Runtime, ML.NET or any other ONNX consumer runs without VaePipeline. docs/onnx.md describes the graphs.
/// </summary>
public static class OnnxExport
{
    /// <summary>IR version 8 is the one that goes with opset 17.</summary>
    public const long IrVersion = 8;

    /// <summary>Opset 17 of the default domain: every op used here exists there, and runtimes from ONNX Runtime 1.12 on support it.</summary>
    public const long Opset = 17;

    public const string ProducerName = "VaePipeline";

    public static string ProducerVersion { get; } =
        typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>
    /// Builds both models, then writes each to <paramref name="directory"/> (created if missing) atomically, replacing
    /// files of the same name. Nothing is written when the arguments are wrong.
    /// </summary>
    /// <param name="parameters">The flat parameter buffer in <see cref="ParameterLayout"/> order, as a checkpoint holds it.</param>
    /// <param name="metadata">Further metadata_props for both files, e.g. <see cref="ExportMetadata.FromCheckpoint"/>; it may not
    /// redefine the keys the exporter sets itself (role, config, latent size, preprocessing, producer version).</param>
    /// <exception cref="ArgumentException">The config is invalid, the buffer does not fit it, or a metadata key is reserved.</exception>
    public static IReadOnlyList<ExportedModel> Write(string directory, VaeConfig config, float[] parameters, IReadOnlyDictionary<string, string> metadata)
    {
        config.Validate();
        var layout = new ParameterLayout(config);
        if (parameters.Length != layout.Count)
            throw new ArgumentException($"the parameter buffer holds {parameters.Length} floats; the model {config.ToJson()} has {layout.Count}");
        var shared = new Dictionary<string, string>
        {
            [OnnxContract.Metadata.Config] = config.ToJson(),
            [OnnxContract.Metadata.LatentSize] = config.Latent.ToString(CultureInfo.InvariantCulture),
            [OnnxContract.Metadata.Preprocessing] = VaeGraphs.DescribePreprocessing(config.Binarization),
            [OnnxContract.Metadata.ProducerVersion] = ProducerVersion,
        };
        foreach (var key in metadata.Keys)
            if (shared.ContainsKey(key) || key == OnnxContract.Metadata.Role)
                throw new ArgumentException($"metadata key {key} is set by the exporter itself");

        // Both models are complete in memory before either file is touched.
        var models = new[] { VaeGraphs.Encoder(config, layout, parameters), VaeGraphs.Decoder(config, layout, parameters) }
            .Select(graph => (graph.Role, graph.FileName, Model: Model(graph, shared, metadata)))
            .ToList();
        Directory.CreateDirectory(directory);
        return models.Select(m => Write(Path.Combine(directory, m.FileName), m.Role, m.Model)).ToList();
    }

    private static ModelProto Model(ExportGraph graph, IReadOnlyDictionary<string, string> shared, IReadOnlyDictionary<string, string> extra)
    {
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion,
            DocString = graph.Description,
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = Opset });
        model.MetadataProps.Add(new StringStringEntryProto { Key = OnnxContract.Metadata.Role, Value = graph.Role });
        // The caller's keys in ordinal order, so one checkpoint always exports to the same bytes.
        foreach (var (key, value) in shared.Concat(extra.OrderBy(e => e.Key, StringComparer.Ordinal)))
            model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        return model;
    }

    private static ExportedModel Write(string path, string role, ModelProto model)
    {
        path = Path.GetFullPath(path);
        AtomicFile.Write(path, model.WriteTo);
        return new ExportedModel(role, path, new FileInfo(path).Length,
            model.Graph.Input.Select(TensorSignature.Of).ToList(), model.Graph.Output.Select(TensorSignature.Of).ToList());
    }
}
