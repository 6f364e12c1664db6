using ILGPU;
using ILGPU.Runtime;

namespace VaePipeline.Training.Engine.Gpu;

/// <summary>One device allocation of <see cref="GpuBackend"/>; disposing it frees the device memory at once.</summary>
internal sealed class GpuMemory : DeviceMemory
{
    private readonly GpuBackend _owner;
    private MemoryBuffer1D<float, Stride1D.Dense>? _buffer;

    public GpuMemory(GpuBackend owner, MemoryBuffer1D<float, Stride1D.Dense> buffer) : base((int)buffer.Length)
    {
        _owner = owner;
        _buffer = buffer;
    }

    public GpuBackend Owner => _owner;

    public ArrayView<float> View(int offset, int length) =>
        (_buffer ?? throw new ObjectDisposedException(nameof(GpuMemory), "device memory used after it was freed")).View.SubView(offset, length);

    public override void Dispose()
    {
        if (_buffer is null) return;
        _buffer.Dispose();
        _buffer = null;
        _owner.Forget(this);
    }
}
