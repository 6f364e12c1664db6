using System.Text.Json.Nodes;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Loop;

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
    [InlineData("--hidden needs at least one layer width", "--hidden", "")]
    [InlineData("--resume continues a run and --force starts one over", "--resume", "anywhere", "--force")]
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

    private static readonly string[] Tiny = ["--train-size", "200", "--hidden", "8", "--steps", "4", "--eval-every", "2"];

    /// <summary>A run that fails before its first checkpoint (divergence, or a resume of a bad checkpoint) changes nothing on disk.</summary>
    [Fact]
    public void A_failing_run_leaves_the_previous_checkpoint_and_metrics_untouched()
    {
        using var dir = new TempDirectory();
        string run = dir.File("run");
        Assert.Equal(0, VaeProcess.Run(["train", "--out", run, .. Tiny]).ExitCode);
        string metrics = Path.Combine(run, MetricsLog.FileName), model = Path.Combine(run, CheckpointStore.ModelFile);
        var (rows, weights) = (File.ReadAllText(metrics), File.ReadAllBytes(model));
        Assert.Equal(3, rows.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);

        var diverged = VaeProcess.Run(["train", "--out", run, "--force", "--lr", "1e30", .. Tiny]);
        Assert.Equal(1, diverged.ExitCode);
        Assert.Contains("is untouched", diverged.Error);
        Assert.Equal(rows, File.ReadAllText(metrics));
        Assert.Equal(weights, File.ReadAllBytes(model));

        string statePath = Path.Combine(run, CheckpointStore.StateFile);
        var state = JsonNode.Parse(File.ReadAllText(statePath))!.AsObject();
        state["step"] = -3;
        File.WriteAllText(statePath, state.ToJsonString());
        var badResume = VaeProcess.Run("train", "--resume", run, "--steps", "6");
        Assert.Equal(1, badResume.ExitCode);
        Assert.Contains("\"step\" is -3", badResume.Error);
        Assert.Equal(rows, File.ReadAllText(metrics));
    }

    [Fact]
    public void Evaluate_export_and_resume_refuse_a_checkpoint_with_non_finite_weights()
    {
        using var dir = new TempDirectory();
        string run = dir.File("run");
        Assert.Equal(0, VaeProcess.Run(["train", "--out", run, .. Tiny]).ExitCode);
        var c = CheckpointStore.Load(run);
        var weights = (float[])c.Parameters.Clone();
        weights[0] = float.NaN;
        CheckpointStore.Save(run, c with { Parameters = weights });

        string[][] commands = [["evaluate", run, "--iwae-k", "0"], ["export", run], ["train", "--resume", run, "--steps", "6"]];
        foreach (var command in commands)
        {
            var result = VaeProcess.Run(command);
            Assert.Equal(1, result.ExitCode);
            Assert.Contains("encoder.0.weight[0] is NaN", result.Error);
        }
        Assert.False(Directory.Exists(Path.Combine(run, "onnx")));
    }

    [Fact]
    public void An_iwae_k_beyond_the_limit_gets_one_error_line()
    {
        var result = VaeProcess.Run("evaluate", "no-such-run", "--iwae-k", "5000000");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("error: --iwae-k must be between 0 and 1,000,000 (got 5,000,000)", result.Error.Trim());
    }

    /// <summary>A second `train` into a folder a running one holds is refused; the first is not disturbed.</summary>
    [Fact]
    public void A_second_training_into_the_same_folder_is_refused()
    {
        using var dir = new TempDirectory();
        string run = dir.File("run");
        using var first = VaeProcess.Start(["train", "--out", run, "--train-size", "200", "--hidden", "8", "--steps", "10000000", "--eval-every", "10000000"]);
        try
        {
            string? line;
            while ((line = first.StandardOutput.ReadLine()) is not null && !line.StartsWith("training ")) { }
            Assert.True(line is not null, "the first vae train ended before training started");

            var second = VaeProcess.Run(["train", "--out", run, .. Tiny]);
            Assert.Equal(1, second.ExitCode);
            Assert.Contains("is in use by another training process", second.Error);
            Assert.False(first.HasExited);
        }
        finally
        {
            first.Kill(entireProcessTree: true);
        }
    }
}
