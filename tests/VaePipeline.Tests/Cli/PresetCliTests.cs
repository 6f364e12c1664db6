using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Presets;

namespace VaePipeline.Tests.Cli;

public class PresetCliTests
{
    [Theory]
    [InlineData("beta-vae")]
    [InlineData("elu-deep")]
    [InlineData("relu-mse")]
    [InlineData("kingma-welling-10k")]
    public void A_preset_sets_the_model_and_training_of_its_write_up(string name)
    {
        using var dir = new TempDirectory();
        var preset = Preset.Named(name);
        var result = VaeProcess.Run("train", "--preset", name, "--out", dir.File("run"), "--steps", "2", "--train-size", "400");
        Assert.True(result.ExitCode == 0, result.Error);
        var checkpoint = CheckpointStore.Load(dir.File("run"));
        Assert.True(checkpoint.Model.SameAs(preset.Model), $"{checkpoint.Model.ToJson()} vs {preset.Model.ToJson()}");
        Assert.Equal(preset.Training.BatchSize, checkpoint.Options.BatchSize);
        Assert.Equal(preset.Training.Adam, checkpoint.Options.Adam);
    }

    [Fact]
    public void Options_beside_a_preset_win()
    {
        using var dir = new TempDirectory();
        var result = VaeProcess.Run("train", "--preset", "relu-mse", "--latent", "3", "--batch-size", "50", "--out", dir.File("run"),
            "--steps", "2", "--train-size", "400");
        Assert.True(result.ExitCode == 0, result.Error);
        var checkpoint = CheckpointStore.Load(dir.File("run"));
        Assert.True(checkpoint.Model.SameAs(Preset.Named("relu-mse").Model with { Latent = 3 }));
        Assert.Equal(50, checkpoint.Options.BatchSize);
    }

    [Fact]
    public void Unknown_presets_and_presets_on_resume_are_refused()
    {
        using var dir = new TempDirectory();
        var unknown = VaeProcess.Run("train", "--preset", "resnet", "--out", dir.File("run"));
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("no preset 'resnet' (presets: kingma-welling, kingma-welling-10k, beta-vae, elu-deep, relu-mse)", unknown.Error);

        Assert.Equal(0, VaeProcess.Run("train", "--out", dir.File("run"), "--steps", "1", "--train-size", "200", "--hidden", "16").ExitCode);
        var onResume = VaeProcess.Run("train", "--resume", dir.File("run"), "--preset", "beta-vae");
        Assert.Equal(1, onResume.ExitCode);
        Assert.Contains("--preset starts a new run", onResume.Error);
    }
}
