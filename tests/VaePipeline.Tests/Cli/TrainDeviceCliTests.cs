using System.Runtime.InteropServices;

namespace VaePipeline.Tests.Cli;

/// <summary><c>vae train --device</c>: auto says which device it took and why; cuda without a working GPU is one error.</summary>
public class TrainDeviceCliTests
{
    /// <summary>Whether this machine has an NVIDIA driver at all; CI's has none.</summary>
    private static bool HasDriver => NativeLibrary.TryLoad("libcuda.so.1", out _);

    [Fact]
    public void Auto_says_which_device_it_took_and_trains()
    {
        using var dir = new TempDirectory();
        var run = VaeProcess.Run("train", "--out", dir.File("run"), "--train-size", "200", "--steps", "2", "--hidden", "16", "--device", "auto");
        Assert.True(run.ExitCode == 0, run.Error);
        var line = run.Output.Split('\n').Single(l => l.StartsWith("device: "));
        Assert.Contains(HasDriver ? "(auto: a working CUDA GPU)" : "(auto: no NVIDIA driver (libcuda.so.1 cannot be loaded))", line);
        Assert.Contains("test ELBO", run.Output);
    }

    [Fact]
    public void Cuda_without_a_gpu_is_one_error_naming_the_reason_and_leaves_no_folder()
    {
        if (HasDriver) return; // a GPU machine trains instead; tools/gpu's check covers it there
        using var dir = new TempDirectory();
        var run = VaeProcess.Run("train", "--out", dir.File("run"), "--train-size", "200", "--steps", "2", "--device", "cuda");
        Assert.Equal(1, run.ExitCode);
        Assert.Equal("error: --device cuda: no NVIDIA driver (libcuda.so.1 cannot be loaded)", run.Error.Trim());
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
