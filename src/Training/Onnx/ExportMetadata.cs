using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;

namespace VaePipeline.Training.Onnx;

/// <summary>The metadata that only a checkpoint knows (how the weights were trained, how well they score), for <see cref="OnnxExport.Write"/>.</summary>
public static class ExportMetadata
{
    /// <summary><see cref="OnnxContract.Metadata.Training"/>, and <see cref="OnnxContract.Metadata.TestElbo"/> when the checkpoint was scored.</summary>
    public static IReadOnlyDictionary<string, string> FromCheckpoint(TrainingCheckpoint checkpoint)
    {
        var options = checkpoint.Options;
        var training = new JsonObject
        {
            ["data"] = $"MNIST {MnistFiles.TrainImages.Name}, " +
                       (options.TrainSize is { } n ? $"the first {n} images" : "all images"),
            ["step"] = checkpoint.Step,
            ["epoch"] = checkpoint.Epoch,
            ["train_seconds"] = checkpoint.TrainSeconds,
            // train_size, epochs, steps, batch_size, adam, seed, eval_every: the options the run was started with.
            ["options"] = JsonSerializer.SerializeToNode(options, VaeConfig.JsonOptions),
        };
        var metadata = new Dictionary<string, string> { [OnnxContract.Metadata.Training] = training.ToJsonString() };
        if (checkpoint.LastTest is { } test)
            metadata[OnnxContract.Metadata.TestElbo] = test.Elbo.ToString("R", CultureInfo.InvariantCulture);
        return metadata;
    }
}
