using VaePipeline.Tests.Cli;
using VaePipeline.Training.Checkpoints;

namespace VaePipeline.Tests.Torch;

/// <summary>vae train --engine torch end to end; resuming across engines is TorchTrainingTests', under the same Trainer.</summary>
public class TorchCliTests
{
    [Fact]
    public void Train_with_the_torch_engine_writes_a_run_that_evaluate_reads()
    {
        using var dir = new TempDirectory();
        string run = dir.File("run");
        var torch = VaeProcess.Run("train", "--engine", "torch", "--device", "cpu", "--out", run, "--train-size", "500", "--steps", "5", "--hidden", "32");
        Assert.True(torch.ExitCode == 0, torch.Error);
        Assert.Contains("torch, libtorch cpu", torch.Output);
        Assert.Contains("test ELBO", torch.Output);
        Assert.Equal(5, CheckpointStore.Load(run).Step);

        var evaluated = VaeProcess.Run("evaluate", run);
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
    }

    [Fact]
    public void Cuda_for_the_torch_engine_in_a_cpu_build_is_one_error_naming_why_and_leaves_nothing()
    {
        using var dir = new TempDirectory();
        var result = VaeProcess.Run("train", "--engine", "torch", "--device", "cuda", "--out", dir.File("run"), "--steps", "1");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --device cuda with --engine torch: this build's libtorch is CPU-only (CUDA needs a build with " +
                     "-p:TorchSharpCuda=true, i.e. TorchSharp-cuda-linux, and an NVIDIA GPU)", result.Error.Trim());
        Assert.False(Directory.Exists(dir.File("run")));
    }
}
