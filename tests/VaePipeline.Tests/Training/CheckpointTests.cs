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
            Ramp(0.001f), Ramp(-0.5f), Ramp(2f), new ElboTotals(-150.5, -140.25, 10.25), TrainSeconds: 3.5);
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
}
