using VaePipeline.Training.Checkpoints;

namespace VaePipeline.Tests.Cli;

public class TrainCliTests
{
    [Theory]
    [InlineData("batch size must be ≥ 1", "--batch-size", "0")]
    [InlineData("learning rate must be a positive number", "--lr", "-0.1")]
    [InlineData("latent size must be positive", "--latent", "0")]
    [InlineData("'swish' is not one of tanh, relu, elu, softplus", "--activation", "swish")]
    [InlineData("'-3' is not a positive layer width", "--hidden", "500,-3")]
    [InlineData("epochs must be ≥ 1", "--epochs", "0")]
    [InlineData("beta must be a finite number ≥ 0", "--beta", "-1")]
    [InlineData("Adam epsilon must be positive", "--adam-eps", "0")]
    public void Nonsense_options_get_one_clear_error_and_a_nonzero_exit(string message, params string[] args)
    {
        using var dir = new TempDirectory();
        var result = VaeProcess.Run(["train", "--out", dir.File("run"), .. args]);
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.False(Directory.Exists(dir.File("run")), "a refused run must not create its folder");
    }

    [Fact]
    public void A_missing_data_folder_is_named_in_the_error()
    {
        using var dir = new TempDirectory();
        var result = VaeProcess.Run("train", "--out", dir.File("run"), "--data", dir.File("no-such-folder"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("no-such-folder", result.Error);
        Assert.Contains("does not exist", result.Error);
    }

    [Fact]
    public void Train_writes_a_run_and_refuses_to_overwrite_it_then_resumes_and_evaluates()
    {
        using var dir = new TempDirectory();
        string run = dir.File("run with spaces ü");
        var first = VaeProcess.Run("train", "--out", run, "--train-size", "500", "--steps", "5", "--hidden", "32");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Contains("test ELBO", first.Output);
        var before = File.ReadAllBytes(Path.Combine(run, CheckpointStore.ModelFile));

        var again = VaeProcess.Run("train", "--out", run, "--train-size", "500", "--steps", "5", "--hidden", "32");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("already holds a run", again.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, CheckpointStore.ModelFile)));

        var otherModel = VaeProcess.Run("train", "--resume", run, "--steps", "8", "--hidden", "64");
        Assert.Equal(1, otherModel.ExitCode);
        Assert.Contains("another model", otherModel.Error);
        Assert.Equal(before, File.ReadAllBytes(Path.Combine(run, CheckpointStore.ModelFile)));

        var resumed = VaeProcess.Run("train", "--resume", run, "--steps", "8");
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains("resuming at step 5", resumed.Output);
        Assert.Equal(8, CheckpointStore.Load(run).Step);

        var evaluated = VaeProcess.Run("evaluate", run, "--iwae-k", "5");
        Assert.True(evaluated.ExitCode == 0, evaluated.Error);
        Assert.Contains("test ELBO", evaluated.Output);
        Assert.Contains("test IWAE", evaluated.Output);
    }

    [Fact]
    public void Help_explains_the_defaults()
    {
        var help = VaeProcess.Run("train", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("--binarization", help.Output);
        Assert.Contains("Kingma & Welling", help.Output);
        // Enum defaults are shown as they are typed, so a user can copy them back.
        Assert.Contains("[default: log-sigma]", help.Output);
        Assert.Contains("[default: analytic]", help.Output);
    }
}
