using System.Runtime.InteropServices;
using VaePipeline.Training.Engine;
using static TorchSharp.torch;

namespace VaePipeline.Training.Torch;

/// <summary>Where the torch engine runs, and one line saying what was taken and why.</summary>
public sealed record TorchDevice(Device Device, string Description)
{
    /// <summary>
    /// Resolves <c>--device</c> for the torch engine as for the native one: cpu; cuda, which needs libtorch with CUDA
    /// (a build with TorchSharpCuda=true) and a GPU, else an error saying which is missing; auto, CUDA where it works,
    /// else the CPU, saying why. <paramref name="threads"/> (0: all cores) sets libtorch's intra-op threads.
    /// </summary>
    public static TorchDevice Open(TrainingDevice device, int threads)
    {
        try
        {
            TorchThreads.Configure(threads); // the first call into libtorch: it loads here or not at all
        }
        catch (TypeInitializationException e) when (e.InnerException is not null)
        {
            throw new TrainingDeviceException($"--engine torch: libtorch did not load: {LoadFailure() ?? e.InnerException.Message.Split('\n')[0]}", e);
        }
        string? reason = CudaUnavailable();
        return device switch
        {
            TrainingDevice.Cpu => Cpu(""),
            TrainingDevice.Cuda when reason is null => new TorchDevice(CUDA, "libtorch cuda"),
            TrainingDevice.Cuda => throw new TrainingDeviceException($"--device cuda with --engine torch: {reason}"),
            TrainingDevice.Auto when reason is null => new TorchDevice(CUDA, "libtorch cuda (auto: a working CUDA GPU)"),
            TrainingDevice.Auto => Cpu($" (auto: {reason})"),
            _ => throw new ArgumentOutOfRangeException(nameof(device), device, null),
        };
    }

    /// <summary>
    /// The dynamic loader's own reason why TorchSharp's native library beside the program does not load (such as a
    /// libstdc++ version it lacks), which TorchSharp's exception buries under its search trace; null if it loads.
    /// </summary>
    private static string? LoadFailure()
    {
        string library = Path.Combine(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "LibTorchSharp.dll"
            : OperatingSystem.IsMacOS() ? "libLibTorchSharp.dylib" : "libLibTorchSharp.so");
        try
        {
            NativeLibrary.Load(library);
            return null;
        }
        catch (DllNotFoundException e)
        {
            // .NET's message is its advice, then dlerror's text on the lines after it.
            var lines = e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return lines.Length > 1 ? string.Join("; ", lines[1..]) : lines[0];
        }
    }

    private static TorchDevice Cpu(string why) => new(CPU, $"libtorch cpu ({get_num_threads()} threads){why}");

    private static string? CudaUnavailable() =>
        !cuda.is_available()
            ? TorchThreads.HasCudaBuild
                ? "libtorch reports no CUDA device"
                : "this build's libtorch is CPU-only (CUDA needs a build with -p:TorchSharpCuda=true, i.e. TorchSharp-cuda-linux, and an NVIDIA GPU)"
            : null;
}
