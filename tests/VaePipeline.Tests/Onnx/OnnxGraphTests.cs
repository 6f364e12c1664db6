using System.Runtime.InteropServices;
using VaePipeline.Model;
using VaePipeline.Training.Model;
using VaePipeline.Training.Onnx;
using VaePipeline.Onnx.Proto;

namespace VaePipeline.Tests.Onnx;

/// <summary>The written files, parsed back: header, signatures, node sequences and initializers.</summary>
public class OnnxGraphTests
{
    private static readonly VaeConfig KingmaWelling = new();

    /// <summary>Exports <paramref name="config"/> with seeded initial weights into <paramref name="dir"/>.</summary>
    internal static (float[] Parameters, IReadOnlyList<ExportedModel> Written) Export(TempDirectory dir, VaeConfig config)
    {
        var parameters = new ParameterLayout(config).Initialize(seed: 7);
        return (parameters, OnnxExport.Write(dir.Path, config, parameters, new Dictionary<string, string>()));
    }

    [Fact]
    public void Both_files_are_opset_17_ir_8_from_vaepipeline()
    {
        using var dir = new TempDirectory();
        Export(dir, KingmaWelling);
        foreach (var model in new[] { OnnxFiles.Encoder(dir.Path), OnnxFiles.Decoder(dir.Path) })
        {
            Assert.Equal(8, model.IrVersion);
            var opset = Assert.Single(model.OpsetImport);
            Assert.Equal(("", 17L), (opset.Domain, opset.Version));
            Assert.Equal("VaePipeline", model.ProducerName);
            Assert.False(string.IsNullOrWhiteSpace(model.ProducerVersion));
            Assert.Equal(OnnxExport.ProducerVersion, model.ProducerVersion);
            Assert.Contains("VaePipeline VAE", model.DocString);
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(5)]
    public void Inputs_and_outputs_are_float32_with_a_dynamic_batch_dimension(int latent)
    {
        using var dir = new TempDirectory();
        var (_, written) = Export(dir, KingmaWelling with { Latent = latent, Hidden = [20] });
        var encoder = OnnxFiles.Encoder(dir.Path).Graph;
        var decoder = OnnxFiles.Decoder(dir.Path).Graph;

        Assert.Equal([("pixels", 784L)], encoder.Input.Select(Signature));
        Assert.Equal([("latent_mean", (long)latent), ("latent_log_sigma", latent)], encoder.Output.Select(Signature));
        Assert.Equal([("latent", (long)latent)], decoder.Input.Select(Signature));
        Assert.Equal([("bernoulli_means", 784L)], decoder.Output.Select(Signature));

        // What Write reports is what the files hold.
        Assert.Equal(["encoder", "decoder"], written.Select(w => w.Role));
        Assert.Equal([dir.File("encoder.onnx"), dir.File("decoder.onnx")], written.Select(w => w.Path));
        Assert.All(written, w => Assert.Equal(new FileInfo(w.Path).Length, w.Bytes));
        Assert.Equal($"latent_log_sigma float32 [N, {latent}]", written[0].Outputs[1].ToString());
        Assert.Equal("bernoulli_means float32 [N, 784]", written[1].Outputs[0].ToString());
    }

    /// <summary>Name and width of a float32 [N, width] value; fails for anything else.</summary>
    private static (string, long) Signature(ValueInfoProto value)
    {
        var tensor = value.Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.ElemType);
        Assert.Equal(2, tensor.Shape.Dim.Count);
        Assert.Equal("N", tensor.Shape.Dim[0].DimParam);
        Assert.False(tensor.Shape.Dim[0].HasDimValue);
        Assert.True(tensor.Shape.Dim[1].HasDimValue);
        return (value.Name, tensor.Shape.Dim[1].DimValue);
    }

    [Theory]
    [InlineData(Activation.Tanh, Binarization.Static, "500", 2,
        "Greater Cast Gemm Tanh Gemm Split", "Gemm Tanh Gemm Sigmoid")]
    [InlineData(Activation.Relu, Binarization.None, "64,32,16", 5,
        "Gemm Relu Gemm Relu Gemm Relu Gemm Split", "Gemm Relu Gemm Relu Gemm Relu Gemm Sigmoid")]
    [InlineData(Activation.Elu, Binarization.Dynamic, "40,20", 5,
        "Gemm Elu Gemm Elu Gemm Split", "Gemm Elu Gemm Elu Gemm Sigmoid")]
    [InlineData(Activation.Softplus, Binarization.Static, "30,20,10", 5,
        "Greater Cast Gemm Softplus Gemm Softplus Gemm Softplus Gemm Split", "Gemm Softplus Gemm Softplus Gemm Softplus Gemm Sigmoid")]
    public void Nodes_follow_the_layers(Activation activation, Binarization binarization, string hidden, int latent, string encoderOps, string decoderOps)
    {
        using var dir = new TempDirectory();
        var config = new VaeConfig { Activation = activation, Binarization = binarization, Hidden = hidden.Split(',').Select(int.Parse).ToArray(), Latent = latent };
        Export(dir, config);
        var encoder = OnnxFiles.Encoder(dir.Path).Graph;
        var decoder = OnnxFiles.Decoder(dir.Path).Graph;
        Assert.Equal(encoderOps, string.Join(' ', encoder.Node.Select(n => n.OpType)));
        Assert.Equal(decoderOps, string.Join(' ', decoder.Node.Select(n => n.OpType)));

        foreach (var node in encoder.Node.Concat(decoder.Node))
        {
            Assert.Equal("", node.Domain);
            var attributes = node.Attribute.ToDictionary(a => a.Name);
            switch (node.OpType)
            {
                case "Gemm":
                    Assert.Equal(["transB"], attributes.Keys); // alpha = beta = 1, A not transposed
                    Assert.Equal(1, attributes["transB"].I);
                    break;
                case "Elu":
                    Assert.Equal(1f, attributes["alpha"].F);
                    break;
                case "Split":
                    Assert.Equal(1, attributes["axis"].I);
                    var sizes = encoder.Initializer.Single(t => t.Name == node.Input[1]);
                    Assert.Equal((int)TensorProto.Types.DataType.Int64, sizes.DataType);
                    Assert.Equal(new long[] { latent, latent }, MemoryMarshal.Cast<byte, long>(sizes.RawData.Span).ToArray());
                    break;
                default:
                    Assert.Empty(attributes.Keys.Except(["to"])); // Cast's target type is checked with the binarization
                    break;
            }
        }
    }

    [Theory]
    [InlineData(Binarization.Static)]
    [InlineData(Binarization.Dynamic)]
    [InlineData(Binarization.None)]
    public void Only_static_binarization_adds_a_threshold_and_dynamic_is_documented_as_mean_field(Binarization binarization)
    {
        using var dir = new TempDirectory();
        Export(dir, KingmaWelling with { Binarization = binarization, Hidden = [20] });
        var model = OnnxFiles.Encoder(dir.Path);
        var nodes = model.Graph.Node;
        string preprocessing = OnnxFiles.Metadata(model)[OnnxContract.Metadata.Preprocessing];
        if (binarization == Binarization.Static)
        {
            var threshold = model.Graph.Initializer.Single(t => t.Name == nodes[0].Input[1]);
            Assert.Equal(("pixels", 0), (nodes[0].Input[0], threshold.Dims.Count));
            Assert.Equal(0.5f, MemoryMarshal.Cast<byte, float>(threshold.RawData.Span)[0]);
            Assert.Equal(nodes[0].Output[0], nodes[1].Input[0]);
            Assert.Equal((int)TensorProto.Types.DataType.Float, nodes[1].Attribute.Single(a => a.Name == "to").I);
            Assert.Equal(nodes[1].Output[0], nodes[2].Input[0]);
            Assert.Contains("Greater(pixels, 0.5)", preprocessing);
        }
        else
        {
            Assert.DoesNotContain(nodes, n => n.OpType is "Greater" or "Cast");
            Assert.Equal("Gemm", nodes[0].OpType);
            Assert.Equal("pixels", nodes[0].Input[0]);
        }
        Assert.Equal(binarization == Binarization.Dynamic, preprocessing.Contains("mean-field"));
        Assert.Contains(preprocessing, model.DocString);
    }

    [Fact]
    public void Initializers_are_the_checkpoint_tensors_bit_for_bit()
    {
        Assert.True(BitConverter.IsLittleEndian, "the comparison below reads raw_data in the machine's byte order");
        using var dir = new TempDirectory();
        var config = new VaeConfig { Hidden = [12, 7], Latent = 5, Activation = Activation.Relu };
        var layout = new ParameterLayout(config);
        var parameters = layout.Initialize(seed: 3);
        // Values a lossy conversion would change: negative zero, the smallest subnormal, a NaN with a payload.
        parameters[0] = -0f;
        parameters[1] = float.Epsilon;
        parameters[^1] = BitConverter.Int32BitsToSingle(0x7FC0_1234);
        OnnxExport.Write(dir.Path, config, parameters, new Dictionary<string, string>());

        var encoder = OnnxFiles.Encoder(dir.Path).Graph.Initializer.ToDictionary(t => t.Name);
        var decoder = OnnxFiles.Decoder(dir.Path).Graph.Initializer.ToDictionary(t => t.Name);
        foreach (var tensor in layout.Tensors)
        {
            var stored = (tensor.Name.StartsWith("encoder.") ? encoder : decoder)[tensor.Name];
            Assert.Equal((int)TensorProto.Types.DataType.Float, stored.DataType);
            Assert.Equal(tensor.Shape.Select(d => (long)d), stored.Dims);
            Assert.Empty(stored.FloatData);
            Assert.True(MemoryMarshal.AsBytes(parameters.AsSpan(tensor.Offset, tensor.Length)).SequenceEqual(stored.RawData.Span), tensor.Name);
        }
        // Besides the weights, only the static binarization's threshold and Split's sizes.
        Assert.Equal(["binarization_threshold", "latent_split_sizes"], encoder.Keys.Where(k => !k.StartsWith("encoder.")).Order());
        Assert.All(decoder.Keys, k => Assert.StartsWith("decoder.", k));
        Assert.True(MemoryMarshal.AsBytes(parameters.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(TrainerReference.FromExport(dir.Path).Parameters.AsSpan())));
    }
}
