using System.CommandLine;
using VaePipeline.Cli.Output;
using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Presets;
#if TORCH_ENGINE
using VaePipeline.Training.Torch;
#endif

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae train</c>: options → model config and training options, a run folder, the loop with progress.</summary>
internal static class TrainCommand
{
    private static readonly VaeConfig DefaultModel = new();
    private static readonly TrainingOptions DefaultTraining = new();

    private static readonly Option<string?> Data = DataOptions.Data();
    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Run folder: checkpoint (model.safetensors, optimizer.safetensors, checkpoint.json) and metrics.csv.",
        HelpName = "DIR",
        DefaultValueFactory = _ => Path.Combine("runs", "vae"),
    };
    private static readonly Option<string?> Resume = new("--resume")
    {
        Description = "Continue the run in DIR exactly where its checkpoint stopped (use --epochs or --steps to extend it).",
        HelpName = "DIR",
    };
    private static readonly Option<string?> PresetOption = new("--preset")
    {
        Description = "Start from a reference write-up's settings; options given beside it still win. " +
                      $"One of: {string.Join(", ", Preset.All.Select(p => p.Name))} (docs/presets.md).",
        HelpName = "NAME",
    };
    private static readonly Option<bool> Force = new("--force") { Description = "Start over in a run folder that already holds a checkpoint, replacing it." };

    private static readonly Option<int> Epochs = new("--epochs", "-e") { Description = "Passes over the training images.", DefaultValueFactory = _ => DefaultTraining.Epochs };
    private static readonly Option<long?> Steps = new("--steps") { Description = "Total optimizer steps instead of --epochs." };
    private static readonly Option<int> BatchSize = new("--batch-size", "-b") { Description = "Images per step.", DefaultValueFactory = _ => DefaultTraining.BatchSize };
    private static readonly Option<float> LearningRate = new("--lr") { Description = "Adam learning rate (betas 0.9/0.999).", DefaultValueFactory = _ => DefaultTraining.Adam.LearningRate };
    private static readonly Option<float> AdamEpsilon = new("--adam-eps")
    {
        Description = "Adam's ε. The loss is a per-image mean, so ε acts as if multiplied by the batch size on a summed loss.",
        DefaultValueFactory = _ => DefaultTraining.Adam.Epsilon,
    };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Seed for initialisation, shuffling and noise: same seed, machine and thread count give a bit-identical run.", DefaultValueFactory = _ => DefaultTraining.Seed };
    private static readonly Option<int?> TrainSize = new("--train-size") { Description = "Train on the first N training images only (default: all 60,000).", HelpName = "N" };
    private static readonly Option<Spelled<BatchOrder>> Batches = EnumOption.Create("--batches",
        "How each step's images are chosen: a new permutation every epoch cut into batches (every image once per epoch), or every batch drawn at random with replacement.",
        DefaultTraining.Batches);
    private static readonly Option<long?> EvalEvery = new("--eval-every") { Description = "Test ELBO, checkpoint and metrics row every N steps (default: every epoch).", HelpName = "N" };
    private static readonly Option<int> Threads = new("--threads") { Description = "CPU threads for the matrix products (0: all cores).", DefaultValueFactory = _ => 0 };
    private static readonly Option<Spelled<TrainingEngineKind>> Engine = EnumOption.Create("--engine",
        "What computes each step: the project's own engine, or TorchSharp (libtorch's autograd; slower, and 3–4 times the memory). " +
        "Both write the same run folder, and a run resumes on either.", TrainingEngineKind.Native);
    private static readonly Option<Spelled<TrainingDevice>> Device = EnumOption.Create("--device",
        "Where training runs: auto takes a working CUDA GPU (NVIDIA driver, libcublas) and otherwise the CPU, saying why; " +
        "cuda without a working GPU is an error. For --engine torch, cuda is libtorch's, which needs a build with -p:TorchSharpCuda=true.",
        TrainingDevice.Auto);

    private static readonly Option<int[]> Hidden = ListOption.Create("--hidden",
        "Hidden layer widths, encoder order; the decoder mirrors them. E.g. 500 or 256,128,64.", DefaultModel.Hidden, w => w > 0, "a positive layer width");
    private static readonly Option<int> Latent = new("--latent", "-z") { Description = "Latent dimensions D.", DefaultValueFactory = _ => DefaultModel.Latent };
    private static readonly Option<Spelled<PosteriorHead>> Posterior = EnumOption.Create("--posterior",
        "What the encoder's second half predicts: log σ (Kingma & Welling) or log σ² (a log-variance head).", DefaultModel.Posterior);
    private static readonly Option<Spelled<Activation>> ActivationOption = EnumOption.Create("--activation", "Hidden-layer nonlinearity.", DefaultModel.Activation);
    private static readonly Option<Spelled<Likelihood>> LikelihoodOption = EnumOption.Create("--likelihood", "p(x|z): Bernoulli on logits, or unit-variance Gaussian with mean sigmoid(logits).", DefaultModel.Likelihood);
    private static readonly Option<Spelled<KlEstimator>> Kl = EnumOption.Create("--kl", "KL term: closed form, or single-sample log q(z|x) − log p(z).", DefaultModel.Kl);
    private static readonly Option<float> Beta = new("--beta") { Description = "Weight on the KL term in the training loss (the reported ELBO always uses 1).", DefaultValueFactory = _ => DefaultModel.Beta };
    private static readonly Option<Spelled<Binarization>> BinarizationOption = EnumOption.Create("--binarization",
        "Pixels to inputs: static (intensity > 0.5), dynamic (Bernoulli(intensity) each use), none (intensities with the Bernoulli cross-entropy).",
        DefaultModel.Binarization);

    public static Command Create()
    {
        var command = new Command("train", "Train a VAE on MNIST (defaults: the Kingma & Welling model, 100 epochs on all 60,000 images).")
        {
            Data, Out, Resume, PresetOption, Force, Epochs, Steps, BatchSize, Batches, LearningRate, AdamEpsilon, Seed, TrainSize, EvalEvery, Threads, Engine, Device,
            Hidden, Latent, Posterior, ActivationOption, LikelihoodOption, Kl, Beta, BinarizationOption,
        };
        command.SetAction((parse, cancellation) => CommandErrors.Run(() => Run(parse, cancellation)));
        return command;
    }

    private static async Task<int> Run(ParseResult parse, CancellationToken cancellation)
    {
        string? resume = parse.GetValue(Resume);
        if (resume is not null && Given(parse, Force))
            throw new ArgumentException("--resume continues a run and --force starts one over; pass one of them");
        if (resume is not null && Given(parse, PresetOption))
            throw new ArgumentException("--preset starts a new run; --resume continues one with its own settings");
        if (parse.GetValue(Hidden)!.Length == 0)
            throw new ArgumentException("--hidden needs at least one layer width, e.g. 500 or 256,128");
        if (resume is not null && !Directory.Exists(resume))
            throw new ArgumentException($"--resume {resume}: there is no such folder");
        var preset = parse.GetValue(PresetOption) is { } name ? Preset.Named(name) : null;
        // A new run's settings are checked before its folder is made, so a refused run leaves nothing behind.
        var fresh = resume is null ? Settings(parse, preset?.Model ?? DefaultModel, preset?.Training ?? DefaultTraining) : default((VaeConfig, TrainingOptions)?);
        // The device too is settled before anything is read or made: a CUDA that is not there leaves no folder behind.
        int threads = parse.GetValue(Threads);
        var device = parse.GetValue(Device).Value;
        bool torch = parse.GetValue(Engine).Value == TrainingEngineKind.Torch;
        var native = torch ? null : TrainingDevices.Open(device, threads);
        using IBackend? backend = native?.Backend;
        var engine = torch ? OpenTorch(device, threads) : NativeEngine.On(backend!);
        if (native is not null) Console.WriteLine(native.Line);
        var (train, test) = await DataOptions.Load(parse.GetValue(Data), cancellation);

        string directory = resume ?? parse.GetValue(Out)!;
        // Held until the process ends, and taken before the checkpoint is read, so no other process can commit
        // a checkpoint between that read and this run's first save.
        using var runLock = RunFolderLock.Acquire(directory);
        TrainingCheckpoint? checkpoint = resume is null ? null : CheckpointStore.Load(resume);
        if (checkpoint is null && CheckpointStore.Exists(directory) && !parse.GetValue(Force))
            throw new ArgumentException($"{directory} already holds a run; pass --resume {directory} to continue it, " +
                                        "--force to start over there, or --out for another folder");
        var (model, training) = checkpoint is null ? fresh!.Value : Settings(parse, checkpoint.Model, checkpoint.Options);
        if (checkpoint is not null) CheckResumable(checkpoint, model, training, directory);

        // Nothing is written before the first checkpoint commits, so until then a failure leaves the folder as it was.
        using var trainer = new Trainer(model, training, train, test, engine, directory, checkpoint);
        using var stop = new StopSignals();
        var outcome = TrainingConsole.Run(trainer, directory, stop.Token);
        return outcome == TrainingOutcome.Completed ? 0 : 130;
    }

    /// <summary>The torch engine on <paramref name="device"/>, where this build has it.</summary>
    private static EngineFactory OpenTorch(TrainingDevice device, int threads) =>
#if TORCH_ENGINE
        TorchEngine.On(TorchDevice.Open(device, threads));
#else
        throw new ArgumentException($"--engine torch: this build has no torch engine, since TorchSharp publishes no libtorch for " +
                                    $"{System.Runtime.InteropServices.RuntimeInformation.RuntimeIdentifier}; the native engine (the default) trains here");
#endif

    /// <summary>The options given on the command line over <paramref name="model"/> and <paramref name="training"/>, checked.</summary>
    private static (VaeConfig Model, TrainingOptions Training) Settings(ParseResult parse, VaeConfig model, TrainingOptions training) =>
        (ModelFrom(parse, model).Validate(), TrainingFrom(parse, training).Validate());

    /// <summary>The model asked for: each option given on the command line, else the base (defaults, or the checkpoint's).</summary>
    private static VaeConfig ModelFrom(ParseResult parse, VaeConfig b) => b with
    {
        Hidden = Given(parse, Hidden) ? parse.GetValue(Hidden)! : b.Hidden,
        Latent = Given(parse, Latent) ? parse.GetValue(Latent) : b.Latent,
        Posterior = Given(parse, Posterior) ? parse.GetValue(Posterior).Value : b.Posterior,
        Activation = Given(parse, ActivationOption) ? parse.GetValue(ActivationOption).Value : b.Activation,
        Likelihood = Given(parse, LikelihoodOption) ? parse.GetValue(LikelihoodOption).Value : b.Likelihood,
        Kl = Given(parse, Kl) ? parse.GetValue(Kl).Value : b.Kl,
        Beta = Given(parse, Beta) ? parse.GetValue(Beta) : b.Beta,
        Binarization = Given(parse, BinarizationOption) ? parse.GetValue(BinarizationOption).Value : b.Binarization,
    };

    private static TrainingOptions TrainingFrom(ParseResult parse, TrainingOptions b) => b with
    {
        // --epochs replaces a step budget and vice versa.
        Epochs = Given(parse, Epochs) ? parse.GetValue(Epochs) : b.Epochs,
        Steps = Given(parse, Steps) ? parse.GetValue(Steps) : Given(parse, Epochs) ? null : b.Steps,
        BatchSize = Given(parse, BatchSize) ? parse.GetValue(BatchSize) : b.BatchSize,
        Adam = b.Adam with
        {
            LearningRate = Given(parse, LearningRate) ? parse.GetValue(LearningRate) : b.Adam.LearningRate,
            Epsilon = Given(parse, AdamEpsilon) ? parse.GetValue(AdamEpsilon) : b.Adam.Epsilon,
        },
        Seed = Given(parse, Seed) ? parse.GetValue(Seed) : b.Seed,
        TrainSize = Given(parse, TrainSize) ? parse.GetValue(TrainSize) : b.TrainSize,
        EvalEvery = Given(parse, EvalEvery) ? parse.GetValue(EvalEvery) : b.EvalEvery,
        Batches = Given(parse, Batches) ? parse.GetValue(Batches).Value : b.Batches,
    };

    /// <summary>A resumed run may be extended, but not changed: anything else would no longer be the same run.</summary>
    private static void CheckResumable(TrainingCheckpoint c, VaeConfig model, TrainingOptions training, string directory)
    {
        if (!model.SameAs(c.Model))
            throw new ArgumentException($"the checkpoint in {directory} is of another model: it has {c.Model.ToJson()}, this command asks for {model.ToJson()}");
        if (training with { Epochs = c.Options.Epochs, Steps = c.Options.Steps, EvalEvery = c.Options.EvalEvery } != c.Options)
            throw new ArgumentException($"--resume continues a run as it was: batch size and order, Adam settings, seed and train size must stay those of {directory}");
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };
}

/// <summary><c>vae train --engine</c>.</summary>
internal enum TrainingEngineKind { Native, Torch }
