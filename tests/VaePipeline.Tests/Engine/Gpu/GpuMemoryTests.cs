using VaePipeline.Training.Engine.Gpu;

namespace VaePipeline.Tests.Engine.Gpu;

/// <summary>The GPU backend owns its device memory: a buffer frees on its own Dispose, and all of them on the backend's.</summary>
public sealed class GpuMemoryTests
{
    [Fact]
    public void Buffers_are_freed_one_by_one_and_all_at_once()
    {
        var backend = GpuBackend.OnCpuAccelerator();
        var a = backend.Allocate(100);
        var b = backend.Allocate(10);
        Assert.Equal(2, backend.LiveAllocations);
        a.Memory.Dispose();
        Assert.Equal(1, backend.LiveAllocations);
        var error = Assert.Throws<ObjectDisposedException>(() => backend.Upload(new float[3], a));
        Assert.Contains("freed", error.Message);
        backend.Dispose();
        Assert.Equal(0, backend.LiveAllocations);
        Assert.Throws<ObjectDisposedException>(() => backend.Download(b, new float[3]));
    }

    [Fact]
    public void A_slice_of_another_backend_is_refused()
    {
        using var backend = GpuBackend.OnCpuAccelerator();
        using var cpu = new VaePipeline.Training.Engine.Cpu.CpuBackend(1);
        var error = Assert.Throws<ArgumentException>(() => backend.Upload(new float[2], cpu.Allocate(2)));
        Assert.Contains("not allocated by this GPU backend", error.Message);
    }
}
