using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Engine.Gpu;

namespace VaePipeline.Tests.Engine.Gpu;

/// <summary>
/// The accelerator the GPU tests run on, picked once: a CUDA GPU when <see cref="Variable"/>=cuda (the GPU check of
/// tools/gpu sets it, and then a GPU that does not work is a failure, not a silent fall-back), else ILGPU's CPU
/// accelerator, so CI runs the very same kernels. The CPU backend beside it is the reference.
/// </summary>
public sealed class GpuTestDevice : IDisposable
{
    public const string Variable = "VAE_GPU_TEST_DEVICE";

    public GpuTestDevice()
    {
        Backend = Environment.GetEnvironmentVariable(Variable) switch
        {
            null or "" or "cpu" => GpuBackend.OnCpuAccelerator(),
            "cuda" => TrainingDevices.OpenCuda(),
            var other => throw new ArgumentException($"{Variable}={other}: use cpu or cuda"),
        };
    }

    public GpuBackend Backend { get; }

    public CpuBackend Reference { get; } = new(1);

    public void Dispose()
    {
        Backend.Dispose();
        Reference.Dispose();
    }

    /// <summary>Uploads the same values to a new buffer on each backend.</summary>
    public (Slice Gpu, Slice Cpu) Both(float[] values)
    {
        var gpu = Backend.Allocate(values.Length);
        var cpu = Reference.Allocate(values.Length);
        Backend.Upload(values, gpu);
        Reference.Upload(values, cpu);
        return (gpu, cpu);
    }

    public static float[] Read(IBackend backend, Slice slice)
    {
        var values = new float[slice.Length];
        backend.Download(slice, values);
        return values;
    }
}

/// <summary>All GPU test classes share one device, and run one at a time: a backend has one caller thread.</summary>
[CollectionDefinition(Name)]
public sealed class GpuCollection : ICollectionFixture<GpuTestDevice>
{
    public const string Name = "gpu";
}
