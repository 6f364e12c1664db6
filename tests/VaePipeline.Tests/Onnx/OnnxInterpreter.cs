using System.Buffers.Binary;
using VaePipeline.Onnx.Proto;
using static VaePipeline.Onnx.Proto.AttributeProto.Types;

namespace VaePipeline.Tests.Onnx;

/// <summary>
/// An independent, deliberately plain ONNX interpreter, in double precision, for exactly the operators the exporter
/// emits (opset 17 semantics from the ONNX operator specification): Greater, Cast, Gemm, Tanh, Relu, Elu, Softplus,
/// Sigmoid, Split, Mul. Anything else — another op, domain or attribute, an unexpected broadcast, a shape that contradicts
/// the graph's declarations — fails loudly instead of being guessed at. It checks the graph's semantics until ONNX
/// Runtime does.
/// </summary>
public sealed class OnnxInterpreter
{
    private readonly GraphProto _graph;

    public OnnxInterpreter(ModelProto model)
    {
        Assert.Equal(17, Assert.Single(model.OpsetImport, o => o.Domain == "").Version);
        _graph = model.Graph;
    }

    /// <summary>Runs the graph; returns every value by name (initializers, inputs, intermediates and outputs).</summary>
    public IReadOnlyDictionary<string, DoubleTensor> Run(IReadOnlyDictionary<string, DoubleTensor> inputs)
    {
        var values = _graph.Initializer.ToDictionary(t => t.Name, Decode);
        var dimensions = new Dictionary<string, long>(); // dim_param → size, bound by the inputs
        foreach (var input in _graph.Input)
        {
            Assert.False(values.ContainsKey(input.Name), $"graph input {input.Name} is also an initializer");
            var tensor = inputs[input.Name];
            CheckShape(input, tensor, dimensions, bind: true);
            values[input.Name] = tensor;
        }
        foreach (var node in _graph.Node)
        {
            Assert.Equal("", node.Domain);
            var outputs = Execute(node, node.Input.Select(name => values[name]).ToArray());
            Assert.Equal(node.Output.Count, outputs.Length);
            for (int i = 0; i < outputs.Length; i++)
                Assert.True(values.TryAdd(node.Output[i], outputs[i]), $"value {node.Output[i]} is produced twice");
        }
        Assert.Equal(inputs.Count, _graph.Input.Count);
        foreach (var output in _graph.Output) CheckShape(output, values[output.Name], dimensions, bind: false);
        return values;
    }

    private static DoubleTensor[] Execute(NodeProto node, DoubleTensor[] inputs)
    {
        var attributes = node.Attribute.ToDictionary(a => a.Name);
        string[] allowed = node.OpType switch
        {
            "Cast" => ["to"],
            "Gemm" => ["alpha", "beta", "transA", "transB"],
            "Elu" => ["alpha"],
            "Split" => ["axis"],
            _ => [],
        };
        Assert.All(attributes.Keys, name => Assert.Contains(name, allowed));
        return node.OpType switch
        {
            "Greater" => [Elementwise(inputs[0], inputs[1], (x, y) => x > y ? 1.0 : 0.0)],
            "Mul" => [Elementwise(inputs[0], inputs[1], (x, y) => x * y)],
            "Cast" => [Cast(inputs[0], Int(attributes, "to", null))],
            "Gemm" => [Gemm(inputs, attributes)],
            "Tanh" => [Map(inputs, Math.Tanh)],
            "Relu" => [Map(inputs, x => Math.Max(x, 0))],
            "Elu" => [Map(inputs, x => x < 0 ? Float(attributes, "alpha", 1.0) * (Math.Exp(x) - 1) : x)],
            "Softplus" => [Map(inputs, x => Math.Log(Math.Exp(x) + 1))],
            "Sigmoid" => [Map(inputs, x => 1 / (1 + Math.Exp(-x)))],
            "Split" => Split(inputs, Int(attributes, "axis", 0), node.Output.Count),
            _ => throw new NotSupportedException($"op {node.OpType} is outside what the interpreter knows"),
        };
    }

    private static DoubleTensor Map(DoubleTensor[] inputs, Func<double, double> f)
    {
        Assert.Single(inputs);
        return new DoubleTensor(inputs[0].Shape, inputs[0].Values.Select(f).ToArray());
    }

    /// <summary>A binary op with the one broadcast the exporter needs: a tensor against a scalar (or one of the same shape).</summary>
    private static DoubleTensor Elementwise(DoubleTensor a, DoubleTensor b, Func<double, double, double> f)
    {
        bool scalar = b.Rank == 0;
        Assert.True(scalar || a.Shape.SequenceEqual(b.Shape), "only same shapes or a scalar right-hand side are expected");
        return new DoubleTensor(a.Shape, a.Values.Select((x, i) => f(x, b.Values[scalar ? 0 : i])).ToArray());
    }

    /// <summary>Cast to float32 only: values are rounded to float (booleans stay 0 and 1).</summary>
    private static DoubleTensor Cast(DoubleTensor x, long to)
    {
        Assert.Equal((long)TensorProto.Types.DataType.Float, to);
        return new DoubleTensor(x.Shape, x.Values.Select(v => (double)(float)v).ToArray());
    }

    /// <summary>Y = alpha·op(A)·op(B) + beta·C, with C broadcast unidirectionally to [M, N].</summary>
    private static DoubleTensor Gemm(DoubleTensor[] inputs, Dictionary<string, AttributeProto> attributes)
    {
        Assert.InRange(inputs.Length, 2, 3);
        var (a, b) = (inputs[0], inputs[1]);
        bool transA = Int(attributes, "transA", 0) == 1, transB = Int(attributes, "transB", 0) == 1;
        double alpha = Float(attributes, "alpha", 1.0), beta = Float(attributes, "beta", 1.0);
        Assert.Equal(2, a.Rank);
        Assert.Equal(2, b.Rank);
        long m = transA ? a.Shape[1] : a.Shape[0], k = transA ? a.Shape[0] : a.Shape[1];
        long n = transB ? b.Shape[0] : b.Shape[1];
        Assert.Equal(k, transB ? b.Shape[1] : b.Shape[0]);
        double A(long i, long p) => transA ? a.Values[p * m + i] : a.Values[i * k + p];
        double B(long p, long j) => transB ? b.Values[j * k + p] : b.Values[p * n + j];

        Func<long, long, double> c = (_, _) => 0;
        if (inputs.Length == 3)
        {
            var bias = inputs[2];
            Assert.InRange(bias.Rank, 0, 2);
            long rows = bias.Rank == 2 ? bias.Shape[0] : 1, cols = bias.Rank >= 1 ? bias.Shape[^1] : 1;
            Assert.True(rows == 1 || rows == m, $"Gemm: C has {rows} rows for M = {m}");
            Assert.True(cols == 1 || cols == n, $"Gemm: C has {cols} columns for N = {n}");
            c = (i, j) => bias.Values[(rows == 1 ? 0 : i) * cols + (cols == 1 ? 0 : j)];
        }
        var y = new double[m * n];
        for (long i = 0; i < m; i++)
        for (long j = 0; j < n; j++)
        {
            double sum = 0;
            for (long p = 0; p < k; p++) sum += A(i, p) * B(p, j);
            y[i * n + j] = alpha * sum + beta * c(i, j);
        }
        return new DoubleTensor([m, n], y);
    }

    /// <summary>Split-13: part sizes from the optional int64 input, else equal parts, one per output.</summary>
    private static DoubleTensor[] Split(DoubleTensor[] inputs, long axis, int parts)
    {
        var x = inputs[0];
        int ax = (int)(axis < 0 ? axis + x.Rank : axis);
        long[] sizes = inputs.Length == 2
            ? inputs[1].Values.Select(v => (long)v).ToArray()
            : Enumerable.Repeat(x.Shape[ax] / parts, parts).ToArray();
        Assert.Equal(parts, sizes.Length);
        Assert.Equal(x.Shape[ax], sizes.Sum());
        long outer = x.Size(0, ax), inner = x.Size(ax + 1), start = 0;
        var results = new DoubleTensor[parts];
        for (int part = 0; part < parts; part++)
        {
            long[] shape = (long[])x.Shape.Clone();
            shape[ax] = sizes[part];
            var values = new double[outer * sizes[part] * inner];
            for (long o = 0; o < outer; o++)
                Array.Copy(x.Values, (o * x.Shape[ax] + start) * inner, values, o * sizes[part] * inner, sizes[part] * inner);
            results[part] = new DoubleTensor(shape, values);
            start += sizes[part];
        }
        return results;
    }

    private static DoubleTensor Decode(TensorProto t)
    {
        double[] values = (TensorProto.Types.DataType)t.DataType switch
        {
            TensorProto.Types.DataType.Float when t.FloatData.Count > 0 => t.FloatData.Select(v => (double)v).ToArray(),
            TensorProto.Types.DataType.Float => Enumerable.Range(0, t.RawData.Length / 4)
                .Select(i => (double)BinaryPrimitives.ReadSingleLittleEndian(t.RawData.Span[(4 * i)..])).ToArray(),
            TensorProto.Types.DataType.Int64 when t.Int64Data.Count > 0 => t.Int64Data.Select(v => (double)v).ToArray(),
            TensorProto.Types.DataType.Int64 => Enumerable.Range(0, t.RawData.Length / 8)
                .Select(i => (double)BinaryPrimitives.ReadInt64LittleEndian(t.RawData.Span[(8 * i)..])).ToArray(),
            var type => throw new NotSupportedException($"initializer {t.Name} has data type {type}"),
        };
        var tensor = new DoubleTensor(t.Dims.ToArray(), values);
        Assert.Equal(tensor.Size(), values.Length);
        return tensor;
    }

    /// <summary>Element type float32, the declared rank, fixed dimensions equal, and each dim_param one size throughout.</summary>
    private static void CheckShape(ValueInfoProto declared, DoubleTensor actual, Dictionary<string, long> dimensions, bool bind)
    {
        var type = declared.Type.TensorType;
        Assert.Equal((int)TensorProto.Types.DataType.Float, type.ElemType);
        Assert.Equal(type.Shape.Dim.Count, actual.Rank);
        for (int i = 0; i < actual.Rank; i++)
        {
            var dim = type.Shape.Dim[i];
            if (dim.HasDimValue)
            {
                Assert.Equal(dim.DimValue, actual.Shape[i]);
                continue;
            }
            if (bind) dimensions.TryAdd(dim.DimParam, actual.Shape[i]);
            Assert.True(dimensions.TryGetValue(dim.DimParam, out long size), $"{declared.Name}: dimension {dim.DimParam} is bound by no input");
            Assert.Equal(size, actual.Shape[i]);
        }
    }

    private static long Int(Dictionary<string, AttributeProto> attributes, string name, long? fallback)
    {
        if (!attributes.TryGetValue(name, out var a))
        {
            Assert.True(fallback.HasValue, $"attribute {name} is required");
            return fallback.Value;
        }
        Assert.Equal(AttributeType.Int, a.Type);
        return a.I;
    }

    private static double Float(Dictionary<string, AttributeProto> attributes, string name, double fallback)
    {
        if (!attributes.TryGetValue(name, out var a)) return fallback;
        Assert.Equal(AttributeType.Float, a.Type);
        return a.F;
    }
}
