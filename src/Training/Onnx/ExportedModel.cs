using System.Globalization;
using VaePipeline.Onnx.Proto;

namespace VaePipeline.Training.Onnx;

/// <summary>One file <see cref="OnnxExport.Write"/> wrote: its role ("encoder" or "decoder"), where, how large, and its signature.</summary>
public sealed record ExportedModel(string Role, string Path, long Bytes, IReadOnlyList<TensorSignature> Inputs, IReadOnlyList<TensorSignature> Outputs);

/// <summary>A graph input or output: name, element type and shape, with "N" for the dynamic batch dimension.</summary>
public sealed record TensorSignature(string Name, string ElementType, IReadOnlyList<string> Shape)
{
    public override string ToString() => $"{Name} {ElementType} [{string.Join(", ", Shape)}]";

    internal static TensorSignature Of(ValueInfoProto value)
    {
        var tensor = value.Type.TensorType;
        // The exporter declares float32 tensors only; any other type here would be a bug in it.
        string type = tensor.ElemType == (int)TensorProto.Types.DataType.Float
            ? "float32"
            : throw new InvalidOperationException($"{value.Name} has element type {tensor.ElemType}, not float32");
        return new TensorSignature(value.Name, type,
            tensor.Shape.Dim.Select(d => d.HasDimParam ? d.DimParam : d.DimValue.ToString(CultureInfo.InvariantCulture)).ToArray());
    }
}
