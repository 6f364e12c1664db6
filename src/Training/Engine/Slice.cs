namespace VaePipeline.Training.Engine;

/// <summary>Memory owned by a backend: a pinned host array for the CPU, device memory for an accelerator.</summary>
public abstract class DeviceMemory(int length) : IDisposable
{
    public int Length { get; } = length;
    public abstract void Dispose();
}

/// <summary>A contiguous range of floats inside one <see cref="DeviceMemory"/>; the model addresses all its tensors this way.</summary>
public readonly record struct Slice(DeviceMemory Memory, int Offset, int Length)
{
    public Slice Sub(int offset, int length)
    {
        if ((uint)offset > (uint)Length || (uint)length > (uint)(Length - offset))
            throw new ArgumentOutOfRangeException(nameof(offset), $"[{offset}, {offset + length}) is outside a slice of {Length}");
        return new Slice(Memory, Offset + offset, length);
    }
}
