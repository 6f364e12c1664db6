using VaePipeline.Model;
using VaePipeline.Tests.Cli;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Tests.Onnx;

/// <summary><c>vae export</c> as a user runs it.</summary>
public class ExportCliTests
{
    /// <summary>A run folder with an untrained checkpoint: export needs weights, not good ones.</summary>
    private static string Run(TempDirectory dir)
    {
        var config = new VaeConfig { Hidden = [10], Latent = 3 };
        var layout = new ParameterLayout(config);
        var parameters = layout.Initialize(seed: 1);
        string run = dir.File("run ü");
        CheckpointStore.Save(run, new TrainingCheckpoint(config, new TrainingOptions(), 4, 0.01, 4, layout, parameters, parameters, parameters,
            new ElboTotals(-543.21, -500, 43.21), 0.5, IntervalSums.StartingAt(0.5), []));
        return run;
    }

    [Fact]
    public void Export_writes_both_files_into_the_run_and_says_what_it_wrote()
    {
        using var dir = new TempDirectory();
        string run = Run(dir);
        var result = VaeProcess.Run("export", run);
        Assert.True(result.ExitCode == 0, result.Error);
        string folder = Path.Combine(run, "onnx");
        Assert.Equal(["decoder.onnx", "encoder.onnx"], Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        Assert.Contains("test ELBO -543.21", result.Output);
        Assert.Contains(Path.Combine(folder, "encoder.onnx"), result.Output);
        Assert.Contains($"{new FileInfo(Path.Combine(folder, "decoder.onnx")).Length:N0} bytes", result.Output);
        foreach (var signature in new[] { "pixels float32 [N, 784]", "latent_mean float32 [N, 3]", "latent_log_sigma float32 [N, 3]",
                                          "latent float32 [N, 3]", "bernoulli_means float32 [N, 784]" })
            Assert.Contains(signature, result.Output);
        Assert.Equal("encoder", OnnxFiles.Metadata(OnnxFiles.Encoder(folder))[OnnxContract.Metadata.Role]);
    }

    [Fact]
    public void Export_refuses_to_overwrite_without_force_and_touches_nothing()
    {
        using var dir = new TempDirectory();
        string run = Run(dir);
        string folder = dir.File("out");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "decoder.onnx"), "someone else's file");

        var refused = VaeProcess.Run("export", run, "--out", folder);
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("error: ", refused.Error);
        Assert.Contains("already holds decoder.onnx", refused.Error);
        Assert.Contains("--force", refused.Error);
        Assert.Equal(["decoder.onnx"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName));
        Assert.Equal("someone else's file", File.ReadAllText(Path.Combine(folder, "decoder.onnx")));

        var forced = VaeProcess.Run("export", run, "--out", folder, "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(["decoder.onnx", "encoder.onnx"], Directory.GetFileSystemEntries(folder).Select(Path.GetFileName).Order());
        Assert.Equal("decoder", OnnxFiles.Metadata(OnnxFiles.Decoder(folder))[OnnxContract.Metadata.Role]);
    }

    [Fact]
    public void A_folder_without_a_checkpoint_is_an_error()
    {
        using var dir = new TempDirectory();
        var result = VaeProcess.Run("export", dir.Path);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("holds no checkpoint", result.Error);
        Assert.Equal([], dir.EntryNames());
    }
}
