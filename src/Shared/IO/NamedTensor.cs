namespace VaePipeline.IO;

/// <summary>
/// A float32 tensor to write, in row-major order. <see cref="Data"/> is borrowed, not copied, so a
/// checkpoint can be written straight from slices of the live parameter buffers.
/// </summary>
/// <param name="Shape">Dimensions; <c>[]</c> is a scalar holding one value.</param>
public sealed record NamedTensor(string Name, int[] Shape, ReadOnlyMemory<float> Data);
