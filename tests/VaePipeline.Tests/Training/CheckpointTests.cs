using System.Text.Json.Nodes;
using VaePipeline.IO;
using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Tests.Training;

public class CheckpointTests
{
    private static TrainingCheckpoint Sample()
    {
        var config = new VaeConfig { Hidden = [6, 5], Latent = 3, Activation = Activation.Elu, Kl = KlEstimator.MonteCarlo };
        var layout = new ParameterLayout(config);
        float[] Ramp(float scale) => Enumerable.Range(0, layout.Count).Select(i => scale * i).ToArray();
        return new TrainingCheckpoint(config, new TrainingOptions { Steps = 40, Seed = 9 }, Step: 17, Epoch: 0.0283, AdamStep: 17, layout,
            Ramp(0.001f), Ramp(-0.5f), Ramp(2f), new ElboTotals(-150.5, -140.25, 10.25), TrainSeconds: 3.5,
            new IntervalSums(7, 1000.125, -900.5, 99.625, 2.25), ["10,0.0166,1,2,3,4,5,6,7,8"]);
    }

    [Fact]
    public void Round_trip_keeps_everything_and_uses_pytorch_names()
    {
        using var dir = new TempDirectory();
        var saved = Sample();
        CheckpointStore.Save(dir.Path, saved);
        var loaded = CheckpointStore.Load(dir.Path);

        Assert.True(loaded.Model.SameAs(saved.Model));
        Assert.Equal(saved.Options, loaded.Options);
        Assert.Equal((saved.Step, saved.AdamStep, saved.LastTest, saved.TrainSeconds), (loaded.Step, loaded.AdamStep, loaded.LastTest, loaded.TrainSeconds));
        Assert.Equal(saved.Parameters, loaded.Parameters);
        Assert.Equal(saved.FirstMoment, loaded.FirstMoment);
        Assert.Equal(saved.SecondMoment, loaded.SecondMoment);
        Assert.Equal(saved.Interval, loaded.Interval);
        Assert.Equal(saved.MetricsRows, loaded.MetricsRows);

        var weights = SafeTensors.Read(dir.File(CheckpointStore.ModelFile));
        Assert.Equal(
            ["encoder.0.weight", "encoder.0.bias", "encoder.1.weight", "encoder.1.bias", "encoder.2.weight", "encoder.2.bias",
             "decoder.0.weight", "decoder.0.bias", "decoder.1.weight", "decoder.1.bias", "decoder.2.weight", "decoder.2.bias"],
            weights.Tensors.Select(t => t.Name));
        Assert.Equal([6, 784], weights["encoder.0.weight"].Shape);
        Assert.Equal([784, 6], weights["decoder.2.weight"].Shape);
        Assert.True(VaeConfig.FromJson(weights.Metadata[CheckpointStore.ConfigMetadataKey]).SameAs(saved.Model));
        Assert.Contains(SafeTensors.Read(dir.File(CheckpointStore.OptimizerFile)).Tensors, t => t.Name == "exp_avg_sq.decoder.2.bias");
    }

    [Fact]
    public void A_tensor_file_from_another_save_is_detected()
    {
        using var dir = new TempDirectory();
        CheckpointStore.Save(dir.Path, Sample());
        var other = Sample() with { Parameters = new float[Sample().Parameters.Length] };
        using var otherDir = new TempDirectory();
        CheckpointStore.Save(otherDir.Path, other);
        File.Copy(otherDir.File(CheckpointStore.ModelFile), dir.File(CheckpointStore.ModelFile), overwrite: true);

        var error = Assert.Throws<CheckpointException>(() => CheckpointStore.Load(dir.Path));
        Assert.Contains("model.safetensors", error.Message);
        Assert.Contains("SHA-256 differs", error.Message);
    }

    [Fact]
    public void Missing_fields_and_foreign_files_are_named()
    {
        using var dir = new TempDirectory();
        CheckpointStore.Save(dir.Path, Sample());
        var state = JsonNode.Parse(File.ReadAllText(dir.File(CheckpointStore.StateFile)))!.AsObject();
        state.Remove("step");
        File.WriteAllText(dir.File(CheckpointStore.StateFile), state.ToJsonString());
        Assert.Contains("lacks \"step\"", Assert.Throws<CheckpointException>(() => CheckpointStore.Load(dir.Path)).Message);

        File.WriteAllText(dir.File(CheckpointStore.StateFile), "{\"format\": \"something-else\"}");
        Assert.Contains("not a VaePipeline checkpoint", Assert.Throws<CheckpointException>(() => CheckpointStore.Load(dir.Path)).Message);

        File.WriteAllText(dir.File(CheckpointStore.StateFile), "not json");
        Assert.Contains("cannot read the checkpoint", Assert.Throws<CheckpointException>(() => CheckpointStore.Load(dir.Path)).Message);

        using var empty = new TempDirectory();
        Assert.Contains("holds no checkpoint", Assert.Throws<CheckpointException>(() => CheckpointStore.Load(empty.Path)).Message);
    }

    public static TheoryData<string> Stages => [.. Enum.GetNames<SaveStage>()];

    /// <summary>A crash at any point of a save: stands for it by throwing from the stage hook, which skips all clean-up.</summary>
    [Theory]
    [MemberData(nameof(Stages))]
    public void A_save_killed_at_any_stage_leaves_one_whole_checkpoint_and_the_next_save_cleans_up(string stage)
    {
        var crashAfter = Enum.Parse<SaveStage>(stage);
        using var dir = new TempDirectory();
        var old = Sample();
        var next = Sample() with { Step = 18, Parameters = [.. old.Parameters.Select(p => p + 1)], MetricsRows = [.. old.MetricsRows, "18,0.03,1,2,3,4,5,6,7,8"] };
        CheckpointStore.Save(dir.Path, old);

        Assert.Throws<SimulatedCrash>(() => CheckpointStore.Save(dir.Path, next, reached => { if (reached == crashAfter) throw new SimulatedCrash(); }));

        var expected = crashAfter >= SaveStage.Committed ? next : old;
        var loaded = CheckpointStore.Load(dir.Path);
        Assert.Equal(expected.Step, loaded.Step);
        Assert.Equal(expected.Parameters, loaded.Parameters);
        Assert.Equal(expected.MetricsRows, loaded.MetricsRows);
        Assert.Equal(expected.Parameters, SafeTensors.Read(dir.File(CheckpointStore.ModelFile)).Tensors.SelectMany(t => t.Data));

        var third = next with { Step = 19 };
        CheckpointStore.Save(dir.Path, third);
        Assert.Equal(19, CheckpointStore.Load(dir.Path).Step);
        // Only the new generation is left: no temporary folder or link, no older generation.
        Assert.Equal(
            new[] { CheckpointStore.StateFile, "ckpt-19-*", CheckpointStore.CurrentLink, MetricsLog.FileName, CheckpointStore.ModelFile, CheckpointStore.OptimizerFile }.Order(),
            dir.EntryNames().Select(n => n.StartsWith("ckpt-19-") ? "ckpt-19-*" : n).Order());
    }

    private sealed class SimulatedCrash : Exception;

    [Fact]
    public void A_run_folder_of_the_older_layout_is_read_and_moves_to_generations_on_its_next_save()
    {
        using var dir = new TempDirectory();
        using var older = new TempDirectory();
        CheckpointStore.Save(dir.Path, Sample());
        foreach (string file in Directory.GetFiles(Path.Combine(dir.Path, CheckpointStore.CurrentLink)))
            File.Copy(file, older.File(Path.GetFileName(file)));
        File.AppendAllText(older.File(MetricsLog.FileName), "20,0.03,1,2,3,4,5,6,7,8\n"); // a row the old layout wrote past its checkpoint

        var loaded = CheckpointStore.Load(older.Path);
        Assert.Equal(Sample().MetricsRows, loaded.MetricsRows);
        CheckpointStore.Save(older.Path, loaded with { Step = 21 });
        Assert.Equal(Path.Combine(CheckpointStore.CurrentLink, CheckpointStore.ModelFile), new FileInfo(older.File(CheckpointStore.ModelFile)).LinkTarget);
        Assert.Equal(21, CheckpointStore.Load(older.Path).Step);
    }

    [Theory]
    [InlineData("step", "-5", "\"step\" is -5; it must be ≥ 0")]
    [InlineData("adam_step", "-1", "\"adam_step\" is -1; it must be ≥ 0")]
    [InlineData("train_seconds", "-2.5", "\"train_seconds\" is -2.5")]
    public void Values_out_of_range_are_refused_by_name(string field, string value, string message)
    {
        using var dir = new TempDirectory();
        CheckpointStore.Save(dir.Path, Sample());
        var state = JsonNode.Parse(File.ReadAllText(dir.File(CheckpointStore.StateFile)))!.AsObject();
        state[field] = JsonNode.Parse(value);
        File.WriteAllText(dir.File(CheckpointStore.StateFile), state.ToJsonString());
        Assert.Contains(message, Assert.Throws<CheckpointException>(() => CheckpointStore.Load(dir.Path)).Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void Non_finite_weights_are_refused(float bad)
    {
        using var dir = new TempDirectory();
        var c = Sample();
        var weights = (float[])c.Parameters.Clone();
        weights[3] = bad;
        CheckpointStore.Save(dir.Path, c with { Parameters = weights });
        var error = Assert.Throws<CheckpointException>(() => CheckpointStore.Load(dir.Path));
        Assert.Contains($"encoder.0.weight[3] is {bad}", error.Message);
        Assert.Contains("non-finite", error.Message);
    }
}
