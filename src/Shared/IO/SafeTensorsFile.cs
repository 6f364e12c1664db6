using System.Diagnostics.CodeAnalysis;

namespace VaePipeline.IO;

/// <summary>The content of a safetensors file, as returned by <see cref="SafeTensors.Read"/>.</summary>
public sealed class SafeTensorsFile
{
    private readonly Dictionary<string, LoadedTensor> _byName;

    internal SafeTensorsFile(string path, IReadOnlyList<LoadedTensor> tensors, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file this was read from.</summary>
    public string Path { get; }

    /// <summary>The <c>__metadata__</c> entries; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>
    /// The tensors in the order their data appears in the file, which for files written by
    /// <see cref="SafeTensors.Write"/> is the order they were passed in.
    /// </summary>
    public IReadOnlyList<LoadedTensor> Tensors { get; }

    /// <exception cref="KeyNotFoundException">The file holds no tensor with that name.</exception>
    public LoadedTensor this[string name] =>
        _byName.TryGetValue(name, out LoadedTensor? tensor)
            ? tensor
            : throw new KeyNotFoundException($"Tensor '{name}' is not in '{Path}'.");

    public bool TryGet(string name, [MaybeNullWhen(false)] out LoadedTensor tensor) =>
        _byName.TryGetValue(name, out tensor);
}
