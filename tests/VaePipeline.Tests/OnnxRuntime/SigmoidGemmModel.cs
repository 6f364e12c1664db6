using Google.Protobuf;
using VaePipeline.Training.Onnx.Proto;

namespace VaePipeline.Tests.OnnxRuntime;

/// <summary>
/// A tiny ONNX model written with the project's own protobuf classes: y = Sigmoid(Gemm(x, W, b, transB = 1)) with
/// x [N, 5], W [3, 5], b [3] and N left open (dim_param), opset 17, IR version 8; plus the same function in C#.
/// </summary>
internal static class SigmoidGemmModel
{
    public const int Inputs = 5;
    public const int Outputs = 3;
    public const string ProducerName = "vaepipeline-tests";

    public static readonly IReadOnlyDictionary<string, string> Metadata = new Dictionary<string, string>
    {
        ["model"] = "sigmoid-gemm",
        ["latent_dim"] = "3",
        ["note"] = "UTF-8 round trip: ß, ü, ∑",
    };

    // Values with both signs and several magnitudes, so a transposed or misread weight shows in the output.
    private static readonly float[] Weight = [.. Enumerable.Range(0, Outputs * Inputs).Select(i => (i % 7 - 3) * 0.37f + i * 0.01f)];
    private static readonly float[] Bias = [0.5f, -0.25f, 0.125f];

    /// <param name="withMetadata">Whether to write <see cref="Metadata"/> as the model's metadata_props.</param>
    public static void Write(string path, bool withMetadata = true)
    {
        var graph = new GraphProto
        {
            Name = "sigmoid_gemm",
            Node =
            {
                new NodeProto
                {
                    Name = "gemm", OpType = "Gemm", Input = { "x", "W", "b" }, Output = { "logits" },
                    Attribute = { new AttributeProto { Name = "transB", Type = AttributeProto.Types.AttributeType.Int, I = 1 } },
                },
                new NodeProto { Name = "sigmoid", OpType = "Sigmoid", Input = { "logits" }, Output = { "y" } },
            },
            Initializer = { FloatTensor("W", Weight, Outputs, Inputs), FloatTensor("b", Bias, Outputs) },
            Input = { BatchOf("x", Inputs) },
            Output = { BatchOf("y", Outputs) },
        };
        var model = new ModelProto
        {
            IrVersion = 8,
            ProducerName = ProducerName,
            ProducerVersion = "1",
            Graph = graph,
            OpsetImport = { new OperatorSetIdProto { Domain = "", Version = 17 } },
        };
        if (withMetadata)
            foreach (var (key, value) in Metadata) model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        File.WriteAllBytes(path, model.ToByteArray());
    }

    /// <summary>The model's function computed directly, in double: one row of <see cref="Outputs"/> per input row.</summary>
    public static float[] Expected(float[] x)
    {
        int rows = x.Length / Inputs;
        var y = new float[rows * Outputs];
        for (int n = 0; n < rows; n++)
        {
            for (int m = 0; m < Outputs; m++)
            {
                double logit = Bias[m];
                for (int k = 0; k < Inputs; k++) logit += (double)x[n * Inputs + k] * Weight[m * Inputs + k];
                y[n * Outputs + m] = (float)(1 / (1 + Math.Exp(-logit)));
            }
        }
        return y;
    }

    /// <summary>Deterministic inputs in [-2, 2) for <paramref name="rows"/> rows, different for each seed.</summary>
    public static float[] Input(int rows, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, rows * Inputs).Select(_ => (float)(random.NextDouble() * 4 - 2))];
    }

    private static TensorProto FloatTensor(string name, float[] values, params long[] dims) => new()
    {
        Name = name, DataType = (int)TensorProto.Types.DataType.Float, Dims = { dims }, FloatData = { values },
    };

    /// <summary>A float tensor [N, width] whose first dimension is the named, open dimension "N".</summary>
    private static ValueInfoProto BatchOf(string name, long width) => new()
    {
        Name = name,
        Type = new TypeProto
        {
            TensorType = new TypeProto.Types.Tensor
            {
                ElemType = (int)TensorProto.Types.DataType.Float,
                Shape = new TensorShapeProto
                {
                    Dim =
                    {
                        new TensorShapeProto.Types.Dimension { DimParam = "N" },
                        new TensorShapeProto.Types.Dimension { DimValue = width },
                    },
                },
            },
        },
    };
}
