using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace VaePipeline.Inference.Onnx;

/// <summary>Checks, when a model is opened, that it has the float32 [N, width] tensors the VAE contract names.</summary>
internal static class ModelSchema
{
    /// <returns>The tensor's width (its second dimension).</returns>
    /// <exception cref="InvalidDataException">The model lacks the tensor, or it is not a float32 matrix with an open batch dimension.</exception>
    public static int Width(string source, IReadOnlyDictionary<string, NodeMetadata> tensors, string name, string kind)
    {
        if (!tensors.TryGetValue(name, out var tensor))
            throw new InvalidDataException(
                $"{source}: the model has no {kind} '{name}' (its {kind}s: {string.Join(", ", tensors.Select(Describe))})");
        if (!tensor.IsTensor || tensor.ElementDataType != TensorElementType.Float || tensor.Dimensions.Length != 2 || tensor.Dimensions[1] <= 0)
            throw new InvalidDataException($"{source}: {kind} {Describe(new(name, tensor))} is not float32 [N, width]");
        return tensor.Dimensions[1];
    }

    /// <summary>How many rows of <paramref name="width"/> values a flat batch holds.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public static int Rows(int length, int width, string what) => length % width == 0
        ? length / width
        : throw new ArgumentException($"{length} {what} values are not whole rows of {width}");

    private static string Describe(KeyValuePair<string, NodeMetadata> t) => t.Value.IsTensor
        ? $"{t.Key} {t.Value.ElementDataType.ToString().ToLowerInvariant()} [{string.Join(", ", t.Value.Dimensions.Select(d => d < 0 ? "N" : d.ToString()))}]"
        : $"{t.Key} ({t.Value.OnnxValueType})";
}
