using VaePipeline.Inference.OnnxRuntime;

namespace VaePipeline.Inference.Components;

/// <summary>Checks, when a component is built, that an ONNX model has the float32 [N, width] tensors the VAE contract names.</summary>
internal static class ModelSchema
{
    /// <returns>The tensor's width (its second dimension).</returns>
    /// <exception cref="InvalidDataException">The model lacks the tensor, or it is not a float32 matrix with an open batch dimension.</exception>
    public static int Width(string modelPath, IReadOnlyList<OrtTensorInfo> tensors, string name, string kind)
    {
        var tensor = tensors.FirstOrDefault(t => t.Name == name)
            ?? throw new InvalidDataException(
                $"{modelPath}: the model has no {kind} '{name}' (its {kind}s: {string.Join(", ", tensors.Select(Describe))})");
        if (tensor.ElementType != OrtElementType.Float || tensor.Shape.Count != 2 || tensor.Shape[1] <= 0)
            throw new InvalidDataException($"{modelPath}: {kind} {Describe(tensor)} is not float32 [N, width]");
        return (int)tensor.Shape[1];
    }

    /// <summary>How many rows of <paramref name="width"/> values a flat batch holds.</summary>
    /// <exception cref="ArgumentException">The length is not a whole number of rows.</exception>
    public static int Rows(int length, int width, string what) => length % width == 0
        ? length / width
        : throw new ArgumentException($"{length} {what} values are not whole rows of {width}");

    private static string Describe(OrtTensorInfo t) =>
        $"{t.Name} {t.ElementType.ToString().ToLowerInvariant()} [{string.Join(", ", t.Shape.Select(d => d < 0 ? "N" : d.ToString()))}]";
}
