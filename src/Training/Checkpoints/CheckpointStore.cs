using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using VaePipeline.IO;
using VaePipeline.Model;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Training.Checkpoints;

/// <summary>
/// A checkpoint is a folder of four files:
/// <list type="bullet">
/// <item><c>model.safetensors</c>: the weights, named as a PyTorch state_dict (encoder.0.weight …), opens with safetensors.torch.load_file;</item>
/// <item><c>optimizer.safetensors</c>: Adam's moments, named as torch.optim.Adam's state (exp_avg.NAME, exp_avg_sq.NAME);</item>
/// <item><c>checkpoint.json</c>: model config, training options, step and epoch, Adam's step count, the RNG description,
/// the last test ELBO, the sums of the metrics interval in progress, and the SHA-256 of the two tensor files;</item>
/// <item><c>metrics.csv</c>: every metrics row up to the checkpoint's step.</item>
/// </list>
/// In a run folder each checkpoint is a generation folder <c>ckpt-STEP-ID</c>, written complete under a hidden
/// temporary name, flushed, and renamed; then the symbolic link <c>current</c> is replaced in one rename(2). That
/// rename is the commit: before it every reader sees the previous checkpoint, after it the new one, never a mix.
/// The run folder's <c>model.safetensors</c>, <c>optimizer.safetensors</c>, <c>checkpoint.json</c> and
/// <c>metrics.csv</c> are links through <c>current</c>, so they always show the committed set. Older generations
/// and what a killed write left behind are removed by the next save; readers ignore them.
/// </summary>
public static class CheckpointStore
{
    public const string ModelFile = "model.safetensors";
    public const string OptimizerFile = "optimizer.safetensors";
    public const string StateFile = "checkpoint.json";
    public const string ConfigMetadataKey = "vaepipeline.config";
    /// <summary>The symbolic link in a run folder that names its committed generation folder.</summary>
    public const string CurrentLink = "current";
    private const string GenerationPrefix = "ckpt-";
    private const string TemporaryPrefix = ".ckpt-tmp-";
    private const string TemporaryLinkPrefix = ".link-tmp-";
    private const string Format = "vaepipeline-checkpoint/1";
    private static readonly string[] LinkedFiles = [ModelFile, OptimizerFile, StateFile, MetricsLog.FileName];

    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, StateFile));

    /// <summary>Writes <paramref name="c"/> as the run folder's new checkpoint; on failure the previous one stays committed.</summary>
    public static void Save(string directory, TrainingCheckpoint c) => Save(directory, c, _ => { });

    /// <param name="reached">Told each stage once it is done; tests throw from it to stand for a process killed there.</param>
    internal static void Save(string directory, TrainingCheckpoint c, Action<SaveStage> reached)
    {
        Directory.CreateDirectory(directory);
        RemoveAllBut(directory, CommittedGeneration(directory)); // what a killed save left behind
        // The random part keeps a new generation apart from a committed one of the same step (a --force rerun).
        string generation = $"{GenerationPrefix}{c.Step}-{Guid.NewGuid().ToString("N")[..8]}";
        string temporary = Path.Combine(directory, TemporaryPrefix + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temporary);
        try
        {
            WriteFiles(temporary, c, reached);
            PosixFileSystem.SyncDirectory(temporary);
            PosixFileSystem.Rename(temporary, Path.Combine(directory, generation));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Typically a full disk: freeing what this save wrote leaves the disk as it was, the last checkpoint intact.
            // Should that fail too, the next save removes the folder; the first failure is the one to report.
            try { Directory.Delete(temporary, recursive: true); } catch (IOException) { }
            throw;
        }
        reached(SaveStage.FolderRenamed);
        ReplaceWithLink(Path.Combine(directory, CurrentLink), generation);
        PosixFileSystem.SyncDirectory(directory);
        reached(SaveStage.Committed);
        foreach (string file in LinkedFiles)
        {
            string path = Path.Combine(directory, file), target = Path.Combine(CurrentLink, file);
            // A run folder of the older layout holds plain files here; they become links once a generation exists.
            if (new FileInfo(path).LinkTarget != target) ReplaceWithLink(path, target);
        }
        reached(SaveStage.Linked);
        RemoveAllBut(directory, generation);
    }

    private static void WriteFiles(string folder, TrainingCheckpoint c, Action<SaveStage> reached)
    {
        string modelPath = Path.Combine(folder, ModelFile), optimizerPath = Path.Combine(folder, OptimizerFile);
        var configJson = c.Model.ToJson();
        SafeTensors.Write(modelPath, Tensors(c.Layout, c.Parameters, ""),
            new Dictionary<string, string> { ["format"] = "pt", [ConfigMetadataKey] = configJson, ["step"] = c.Step.ToString() });
        reached(SaveStage.ModelWritten);
        SafeTensors.Write(optimizerPath,
            [.. Tensors(c.Layout, c.FirstMoment, "exp_avg."), .. Tensors(c.Layout, c.SecondMoment, "exp_avg_sq.")],
            new Dictionary<string, string> { ["format"] = "pt", ["step"] = c.AdamStep.ToString() });
        reached(SaveStage.OptimizerWritten);
        MetricsLog.Write(Path.Combine(folder, MetricsLog.FileName), c.MetricsRows);
        reached(SaveStage.MetricsWritten);

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
            ["interval"] = new JsonObject
            {
                ["steps"] = c.Interval.Steps, ["loss"] = c.Interval.Loss, ["reconstruction"] = c.Interval.Reconstruction,
                ["kl"] = c.Interval.Kl, ["start_train_seconds"] = c.Interval.StartTrainSeconds,
            },
            ["sha256"] = new JsonObject { [ModelFile] = Sha256(modelPath), [OptimizerFile] = Sha256(optimizerPath) },
        };
        AtomicFile.WriteAllText(Path.Combine(folder, StateFile), state.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
        reached(SaveStage.StateWritten);
    }

    /// <summary>Reads the committed checkpoint of a run folder (or a folder holding the four files themselves).</summary>
    /// <exception cref="CheckpointException">Missing or inconsistent files, values out of range, non-finite weights, or tensors that do not fit the config.</exception>
    public static TrainingCheckpoint Load(string directory)
    {
        // Resolved once, so every file comes from the same generation even if a save commits meanwhile.
        string folder = CommittedGeneration(directory) is { } generation ? Path.Combine(directory, generation) : directory;
        string statePath = Path.Combine(folder, StateFile);
        if (!File.Exists(statePath)) throw new CheckpointException($"{directory} holds no checkpoint ({StateFile} is missing)");
        try
        {
            var state = JsonNode.Parse(File.ReadAllText(statePath)) as JsonObject
                        ?? throw new CheckpointException($"{statePath} does not hold a JSON object");
            if ((string?)state["format"] != Format)
                throw new CheckpointException($"{statePath} is not a VaePipeline checkpoint (format {(string?)state["format"] ?? "missing"})");
            foreach (var file in new[] { ModelFile, OptimizerFile })
            {
                string path = Path.Combine(folder, file);
                if (!File.Exists(path)) throw new CheckpointException($"checkpoint in {directory} lacks {file}");
                if (Sha256(path) != (string?)state["sha256"]?[file])
                    throw new CheckpointException($"{file} in {directory} does not belong to its {StateFile} (a write was interrupted?): its SHA-256 differs");
            }
            var config = VaeConfig.FromJson(Required(state, "model").ToJsonString());
            var options = Required(state, "training").Deserialize<TrainingOptions>(VaeConfig.JsonOptions)!.Validate();
            var layout = new ParameterLayout(config);
            var weights = SafeTensors.Read(Path.Combine(folder, ModelFile));
            var moments = SafeTensors.Read(Path.Combine(folder, OptimizerFile));
            var lastTest = state["last_test"] is JsonObject t
                ? new ElboTotals((double)Required(t, "elbo"), (double)Required(t, "reconstruction"), (double)Required(t, "kl"))
                : (ElboTotals?)null;
            long step = Count(state, "step");
            double trainSeconds = Seconds(state, "train_seconds");
            // Checkpoints from before the interval was saved resume with an interval that starts at their step.
            var interval = state["interval"] is JsonObject i
                ? new IntervalSums((int)Count(i, "steps"), (double)Required(i, "loss"), (double)Required(i, "reconstruction"),
                    (double)Required(i, "kl"), Seconds(i, "start_train_seconds"))
                : IntervalSums.StartingAt(trainSeconds);
            return new TrainingCheckpoint(config, options, step, Seconds(state, "epoch"), Count(state, "adam_step"), layout,
                Flatten(layout, weights, ""), Flatten(layout, moments, "exp_avg."), Flatten(layout, moments, "exp_avg_sq."),
                lastTest, trainSeconds, interval, MetricsLog.Read(Path.Combine(folder, MetricsLog.FileName), step));
        }
        catch (Exception e) when (e is JsonException or SafeTensorsException or ArgumentException or InvalidOperationException or FormatException)
        {
            throw new CheckpointException($"cannot read the checkpoint in {directory}: {e.Message}", e);
        }
    }

    /// <summary>The generation folder the run folder's <c>current</c> link names, or null when it has none (older layout, or no checkpoint yet).</summary>
    private static string? CommittedGeneration(string directory) => new FileInfo(Path.Combine(directory, CurrentLink)).LinkTarget;

    /// <summary>Points <paramref name="path"/> at <paramref name="target"/> in one rename, whatever was there before.</summary>
    private static void ReplaceWithLink(string path, string target)
    {
        string link = Path.Combine(Path.GetDirectoryName(path)!, TemporaryLinkPrefix + Guid.NewGuid().ToString("N"));
        File.CreateSymbolicLink(link, target);
        PosixFileSystem.Rename(link, path);
    }

    /// <summary>Removes every generation folder but <paramref name="keep"/>, and the leftovers of interrupted saves.</summary>
    private static void RemoveAllBut(string directory, string? keep)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            if (entry.Name.StartsWith(TemporaryLinkPrefix))
                File.Delete(entry.FullName); // unlinks the link itself, never what it points at
            else if (entry is DirectoryInfo { LinkTarget: null } folder && folder.Name != keep
                     && (folder.Name.StartsWith(GenerationPrefix) || folder.Name.StartsWith(TemporaryPrefix)))
                folder.Delete(recursive: true);
        }
    }

    private static JsonNode Required(JsonObject node, string name) =>
        node[name] ?? throw new CheckpointException($"{StateFile} lacks \"{name}\"");

    private static long Count(JsonObject node, string name)
    {
        long value = (long)Required(node, name);
        return value >= 0 ? value : throw new CheckpointException($"{StateFile}: \"{name}\" is {value}; it must be ≥ 0");
    }

    private static double Seconds(JsonObject node, string name)
    {
        double value = (double)Required(node, name);
        return double.IsFinite(value) && value >= 0 ? value : throw new CheckpointException($"{StateFile}: \"{name}\" is {value}; it must be a finite number ≥ 0");
    }

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
            int bad = Array.FindIndex(tensor.Data, v => !float.IsFinite(v));
            if (bad >= 0)
                throw new CheckpointException($"{file.Path}: {prefix + t.Name}[{bad}] is {tensor.Data[bad]}; a checkpoint with non-finite values cannot be used");
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

/// <summary>The stages of <see cref="CheckpointStore.Save(string, TrainingCheckpoint)"/>, in order; from <see cref="Committed"/> on the new checkpoint is the one read.</summary>
internal enum SaveStage { ModelWritten, OptimizerWritten, MetricsWritten, StateWritten, FolderRenamed, Committed, Linked }
