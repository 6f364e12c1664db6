namespace VaePipeline.IO;

/// <summary>
/// A float32 tensor read from a file, in row-major order. Unlike <see cref="NamedTensor"/> the caller
/// owns <see cref="Data"/> and may keep or modify it without copying.
/// </summary>
public sealed record LoadedTensor(string Name, int[] Shape, float[] Data);
