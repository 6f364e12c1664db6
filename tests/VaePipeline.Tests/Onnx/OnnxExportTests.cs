using System.Globalization;
using System.Text.Json.Nodes;
using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;
using VaePipeline.Training.Onnx;

namespace VaePipeline.Tests.Onnx;

/// <summary>Metadata, and how the files reach the disk.</summary>
public class OnnxExportTests
{
    private static readonly VaeConfig Config = new() { Hidden = [16, 8], Latent = 5, Activation = Activation.Softplus, Binarization = Binarization.Dynamic };

    private static TrainingCheckpoint Checkpoint(ElboTotals? lastTest)
    {
        var layout = new ParameterLayout(Config);
        var parameters = layout.Initialize(seed: 5);
        return new TrainingCheckpoint(Config, new TrainingOptions { Epochs = 3, BatchSize = 50, TrainSize = 500, Seed = 11 }, Step: 30, Epoch: 3,
            AdamStep: 30, layout, parameters, parameters, parameters, lastTest, TrainSeconds: 1.25, IntervalSums.StartingAt(1.25), []);
    }

    private static IReadOnlyList<ExportedModel> Export(string directory, TrainingCheckpoint c) =>
        OnnxExport.Write(directory, c.Model, c.Parameters, ExportMetadata.FromCheckpoint(c));

    [Fact]
    public void Metadata_names_the_role_and_carries_config_preprocessing_training_and_test_elbo()
    {
        using var dir = new TempDirectory();
        Export(dir.Path, Checkpoint(new ElboTotals(-123.456789, -110.5, 12.956789)));
        foreach (var (model, role) in new[] { (OnnxFiles.Encoder(dir.Path), "encoder"), (OnnxFiles.Decoder(dir.Path), "decoder") })
        {
            var metadata = OnnxFiles.Metadata(model);
            Assert.All(metadata.Keys, key => Assert.StartsWith("vaepipeline.", key));
            Assert.Equal(role, metadata[OnnxContract.Metadata.Role]);
            Assert.True(VaeConfig.FromJson(metadata[OnnxContract.Metadata.Config]).SameAs(Config));
            Assert.Equal("5", metadata[OnnxContract.Metadata.LatentSize]);
            Assert.Contains("mean-field", metadata[OnnxContract.Metadata.Preprocessing]);
            Assert.Equal(OnnxExport.ProducerVersion, metadata[OnnxContract.Metadata.ProducerVersion]);
            Assert.Equal(-123.456789, double.Parse(metadata[OnnxContract.Metadata.TestElbo], CultureInfo.InvariantCulture));

            var training = JsonNode.Parse(metadata[OnnxContract.Metadata.Training])!;
            Assert.Contains("the first 500 images", (string)training["data"]!);
            Assert.Equal((30L, 3.0, 1.25), ((long)training["step"]!, (double)training["epoch"]!, (double)training["train_seconds"]!));
            var options = training["options"]!;
            Assert.Equal((500, 3, 50, 11UL), ((int)options["train_size"]!, (int)options["epochs"]!, (int)options["batch_size"]!, (ulong)options["seed"]!));
        }
    }

    [Fact]
    public void An_unscored_checkpoint_has_no_test_elbo_and_reserved_keys_are_refused()
    {
        using var dir = new TempDirectory();
        Export(dir.Path, Checkpoint(lastTest: null));
        Assert.DoesNotContain(OnnxContract.Metadata.TestElbo, OnnxFiles.Metadata(OnnxFiles.Encoder(dir.Path)).Keys);

        var c = Checkpoint(null);
        string folder = dir.File("refused");
        var reserved = Assert.Throws<ArgumentException>(() =>
            OnnxExport.Write(folder, c.Model, c.Parameters, new Dictionary<string, string> { [OnnxContract.Metadata.Role] = "decoder" }));
        Assert.Contains("set by the exporter", reserved.Message);
        var wrongSize = Assert.Throws<ArgumentException>(() =>
            OnnxExport.Write(folder, c.Model, c.Parameters[1..], new Dictionary<string, string>()));
        Assert.Contains($"has {c.Parameters.Length}", wrongSize.Message);
        Assert.False(Directory.Exists(folder), "a refused export must not touch the disk");
    }

    [Fact]
    public void Files_are_replaced_atomically_with_no_temp_files_left_and_the_same_checkpoint_gives_the_same_bytes()
    {
        using var dir = new TempDirectory();
        var c = Checkpoint(new ElboTotals(-100, -90, 10));
        Export(dir.Path, c);
        Assert.Equal(["decoder.onnx", "encoder.onnx"], dir.EntryNames());
        var first = File.ReadAllBytes(dir.File("encoder.onnx"));

        Export(dir.Path, c);
        Assert.Equal(first, File.ReadAllBytes(dir.File("encoder.onnx")));

        var changed = c with { Parameters = c.Parameters.Select(p => -p).ToArray() };
        Export(dir.Path, changed);
        Assert.Equal(["decoder.onnx", "encoder.onnx"], dir.EntryNames());
        Assert.Equal(changed.Parameters, TrainerReference.FromExport(dir.Path).Parameters);
    }
}
