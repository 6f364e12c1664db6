using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaePipeline.IO;
using VaePipeline.Model;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Training.Checkpoints;

/// <summary>
/// A checkpoint is a folder of three files:
/// <list type="bullet">
/// <item><c>model.safetensors</c>: the weights, named as a PyTorch state_dict (encoder.0.weight …), opens with safetensors.torch.load_file;</item>
/// <item><c>optimizer.safetensors</c>: Adam's moments, named as torch.optim.Adam's state (exp_avg.NAME, exp_avg_sq.NAME);</item>
/// <item><c>checkpoint.json</c>: model config, training options, step and epoch, Adam's step count, the RNG description,
/// the last test ELBO, and the SHA-256 of the two tensor files.</item>
/// </list>
/// Each file is written atomically, the JSON last: it is the commit record, and its hashes reveal a set that a crash
/// interrupted between two renames.
/// </summary>
public static class CheckpointStore
{
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "checkpoint.json";
    public const string ConfigMetadataKey = "vaepipeline.config";
    private const string Format = "vaepipeline-checkpoint/1";

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, StateFile));

    public static void Save(string directory, TrainingCheckpoint c)
    {
        Directory.CreateDirectory(directory);
        string modelPath = Path.Combine(directory, ModelFile), optimizerPath = Path.Combine(directory, OptimizerFile);
        var configJson = c.Model.ToJson();
        SafeTensors.Write(modelPath, Tensors(c.Layout, c.Parameters, ""),
            new Dictionary<string, string> { ["format"] = "pt", [ConfigMetadataKey] = configJson, ["step"] = c.Step.ToString() });
        SafeTensors.Write(optimizerPath,
            [.. Tensors(c.Layout, c.FirstMoment, "exp_avg."), .. Tensors(c.Layout, c.SecondMoment, "exp_avg_sq.")],
            new Dictionary<string, string> { ["format"] = "pt", ["step"] = c.AdamStep.ToString() });

        var state = new JsonObject
        {
            ["format"] = Format,
            ["model"] = JsonNode.Parse(configJson),
            ["training"] = JsonSerializer.SerializeToNode(c.Options, VaeConfig.JsonOptions),
            ["step"] = c.Step,
            ["epoch"] = c.Epoch,
            ["adam_step"] = c.AdamStep,
            ["train_seconds"] = c.TrainSeconds,
            ["rng"] = new JsonObject
            {
                ["algorithm"] = "xoshiro256** streams keyed by SplitMix64(seed, purpose, step)",
                ["seed"] = c.Options.Seed,
                ["note"] = "every draw is keyed by the step, so seed and step are the whole RNG state",
            },
            ["last_test"] = c.LastTest is { } t
                ? new JsonObject { ["elbo"] = t.Elbo, ["reconstruction"] = t.Reconstruction, ["kl"] = t.Kl }
                : null,
            ["sha256"] = new JsonObject { [ModelFile] = Sha256(modelPath), [OptimizerFile] = Sha256(optimizerPath) },
        };
        AtomicFile.WriteAllText(Path.Combine(directory, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }

    /// <exception cref="CheckpointException">Missing or inconsistent files, or tensors that do not fit the config.</exception>
    public static TrainingCheckpoint Load(string directory)
    {
        string statePath = Path.Combine(directory, StateFile);
        if (!File.Exists(statePath)) throw new CheckpointException($"{directory} holds no checkpoint ({StateFile} is missing)");
        try
        {
            var state = JsonNode.Parse(File.ReadAllText(statePath)) as JsonObject
                        ?? throw new CheckpointException($"{statePath} does not hold a JSON object");
            if ((string?)state["format"] != Format)
                throw new CheckpointException($"{statePath} is not a VaePipeline checkpoint (format {(string?)state["format"] ?? "missing"})");
            foreach (var file in new[] { ModelFile, OptimizerFile })
            {
                string path = Path.Combine(directory, file);
                if (!File.Exists(path)) throw new CheckpointException($"checkpoint in {directory} lacks {file}");
                if (Sha256(path) != (string?)state["sha256"]?[file])
                    throw new CheckpointException($"{file} in {directory} does not belong to its {StateFile} (a write was interrupted?): its SHA-256 differs");
            }
            var config = VaeConfig.FromJson(Required(state, "model").ToJsonString());
            var options = Required(state, "training").Deserialize<TrainingOptions>(VaeConfig.JsonOptions)!.Validate();
            var layout = new ParameterLayout(config);
            var weights = SafeTensors.Read(Path.Combine(directory, ModelFile));
            var moments = SafeTensors.Read(Path.Combine(directory, OptimizerFile));
            var lastTest = state["last_test"] is JsonObject t
                ? new ElboTotals((double)Required(t, "elbo"), (double)Required(t, "reconstruction"), (double)Required(t, "kl"))
                : (ElboTotals?)null;
            return new TrainingCheckpoint(config, options, (long)Required(state, "step"), (double)Required(state, "epoch"),
                (long)Required(state, "adam_step"), layout,
                Flatten(layout, weights, ""), Flatten(layout, moments, "exp_avg."), Flatten(layout, moments, "exp_avg_sq."),
                lastTest, (double)Required(state, "train_seconds"));
        }
        catch (Exception e) when (e is JsonException or SafeTensorsException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"cannot read the checkpoint in {directory}: {e.Message}", e);
        }
    }

    private static JsonNode Required(JsonObject node, string name) =>
        node[name] ?? throw new CheckpointException($"{StateFile} lacks \"{name}\"");

    private static List<NamedTensor> Tensors(ParameterLayout layout, float[] flat, string prefix) =>
        layout.Tensors.Select(t => new NamedTensor(prefix + t.Name, t.Shape, flat.AsMemory(t.Offset, t.Length))).ToList();

    private static float[] Flatten(ParameterLayout layout, SafeTensorsFile file, string prefix)
    {
        var flat = new float[layout.Count];
        foreach (var t in layout.Tensors)
        {
            if (!file.TryGet(prefix + t.Name, out var tensor))
                throw new CheckpointException($"{file.Path} lacks tensor {prefix + t.Name}");
            if (!tensor.Shape.SequenceEqual(t.Shape))
                throw new CheckpointException($"{file.Path}: {prefix + t.Name} has shape [{string.Join(", ", tensor.Shape)}], the config needs [{string.Join(", ", t.Shape)}]");
            tensor.Data.CopyTo(flat, t.Offset);
        }
        return flat;
    }

    private static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
