using System.Buffers.Binary;
using Google.Protobuf;
using VaePipeline.Model;
using VaePipeline.Onnx.Proto;

namespace VaePipeline.Training.Onnx;

/// <summary>
/// Appends inputs, outputs, initializers and nodes to one ONNX graph, in the order a reader executes them (ONNX
/// requires nodes sorted topologically, which appending in computation order gives). Every graph input and output
/// is float32 [N, width] with N the dynamic batch dimension.
/// </summary>
internal sealed class GraphBuilder(string name)
{
    private readonly GraphProto _graph = new() { Name = name };

    public GraphProto Graph => _graph;

    /// <returns>The input's name, to feed the first node.</returns>
    public string Input(string name, int width, string doc)
    {
        _graph.Input.Add(BatchOf(name, width, doc));
        return name;
    }

    public void Output(string name, int width, string doc) => _graph.Output.Add(BatchOf(name, width, doc));

    /// <summary>A float32 initializer, stored as little-endian raw_data whatever the machine's byte order.</summary>
    public string Floats(string name, IReadOnlyList<int> shape, ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        return Initializer(name, TensorProto.Types.DataType.Float, shape.Select(d => (long)d), bytes);
    }

    /// <summary>A float32 scalar initializer (rank 0), e.g. a threshold that broadcasts against a whole tensor.</summary>
    public string Scalar(string name, float value) => Floats(name, [], [value]);

    /// <summary>A 1-D int64 initializer, e.g. Split's sizes.</summary>
    public string Int64s(string name, params long[] values)
    {
        var bytes = new byte[values.Length * sizeof(long)];
        for (int i = 0; i < values.Length; i++)
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        return Initializer(name, TensorProto.Types.DataType.Int64, [values.Length], bytes);
    }

    /// <summary>A node of the default ONNX domain; returns its first output, to chain the next node on.</summary>
    public string Node(string nodeName, string opType, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { Name = nodeName, OpType = opType, Domain = "" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
        return outputs[0];
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    private string Initializer(string name, TensorProto.Types.DataType type, IEnumerable<long> dims, byte[] littleEndian)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = UnsafeByteOperations.UnsafeWrap(littleEndian) };
        tensor.Dims.AddRange(dims);
        _graph.Initializer.Add(tensor);
        return name;
    }

    private static ValueInfoProto BatchOf(string name, int width, string doc)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = OnnxContract.BatchDimension });
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimValue = width });
        return new ValueInfoProto
        {
            Name = name,
            DocString = doc,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }
}
