using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime.Cuda;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Engine.Gpu;

namespace VaePipeline.Training.Engine;

/// <summary>Where training runs: <c>vae train --device</c>.</summary>
public enum TrainingDevice { Auto, Cpu, Cuda }

/// <summary>The backend a device choice resolved to, and one line saying what was taken and why.</summary>
public sealed record OpenedDevice(IBackend Backend, string Line);

/// <summary>A device that was asked for and cannot be used; the message is the reason (no driver, no libcublas, no device).</summary>
public sealed class TrainingDeviceException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Resolves <see cref="TrainingDevice"/> to a backend: auto takes a working CUDA GPU (its driver, a CUDA device and
/// libcublas) and otherwise the CPU, saying why; cuda without a working GPU is an error with that reason.
/// </summary>
public static class TrainingDevices
{
    public static OpenedDevice Open(TrainingDevice device, int cpuThreads)
    {
        switch (device)
        {
            case TrainingDevice.Cpu:
                var cpu = new CpuBackend(cpuThreads);
                return new OpenedDevice(cpu, $"device: {cpu.Description}");
            case TrainingDevice.Cuda:
                var cuda = OpenCuda();
                return new OpenedDevice(cuda, $"device: {cuda.Description}");
            case TrainingDevice.Auto:
                if (TryOpenCuda(out var gpu, out string reason))
                    return new OpenedDevice(gpu!, $"device: {gpu!.Description} (auto: a working CUDA GPU)");
                var fallback = new CpuBackend(cpuThreads);
                return new OpenedDevice(fallback, $"device: {fallback.Description} (auto: {reason})");
            default:
                throw new ArgumentOutOfRangeException(nameof(device), device, null);
        }
    }

    /// <summary>The first CUDA GPU with cuBLAS, or <see cref="TrainingDeviceException"/> saying why there is none.</summary>
    public static GpuBackend OpenCuda() =>
        TryOpenCuda(out var backend, out string reason) ? backend! : throw new TrainingDeviceException($"--device cuda: {reason}");

    private static bool TryOpenCuda(out GpuBackend? backend, out string reason)
    {
        backend = null;
        string driver = OperatingSystem.IsWindows() ? "nvcuda.dll" : "libcuda.so.1";
        if (!NativeLibrary.TryLoad(driver, out _))
        {
            reason = $"no NVIDIA driver ({driver} cannot be loaded)";
            return false;
        }
        string? cublas = CuBlasLibrary.Install(out reason);
        if (cublas is null) return false;
        Context? context = null;
        try
        {
            context = Context.Create(b => b.Cuda().EnableAlgorithms());
            if (context.GetCudaDevices().Count == 0)
            {
                reason = "no CUDA device (the driver loads but reports none)";
                context.Dispose();
                return false;
            }
            var accelerator = context.CreateCudaAccelerator(0);
            var blas = new CuBlas(accelerator);
            backend = new GpuBackend(context, accelerator, blas, $"cuda ({accelerator.Name}, {Path.GetFileName(cublas)})");
            return true;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // ILGPU reports a driver that will not start, a device it cannot use or a cuBLAS that fails by exceptions of its own.
            context?.Dispose();
            reason = $"the CUDA GPU did not start ({e.GetType().Name}: {e.Message})";
            return false;
        }
    }
}
