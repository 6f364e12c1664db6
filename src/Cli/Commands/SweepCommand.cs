using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VaePipeline.Inference.Figures;
using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Sweep;

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae sweep</c>: one K&amp;W model per (β, latent size), each in its own run folder, then sweep.csv and sweep.svg of their test scores.</summary>
internal static class SweepCommand
{
    private static readonly VaeConfig DefaultModel = new();
    private static readonly TrainingOptions DefaultTraining = new();

    private static readonly Option<float[]> Betas = ListOption.Create("--betas", "KL weights to train with (the reported ELBO always uses β = 1).",
        [0.01f, 0.1f, 1f], b => b >= 0 && float.IsFinite(b), "a finite number ≥ 0");
    private static readonly Option<int[]> Latents = ListOption.Create("--latents", "Latent sizes D to train.", [2, 5, 10, 20], d => d > 0, "a positive latent size");
    private static readonly Option<int[]> Hidden = ListOption.Create("--hidden",
        "Hidden layer widths, encoder order; the decoder mirrors them.", DefaultModel.Hidden, w => w > 0, "a positive layer width");
    private static readonly Option<int> Epochs = new("--epochs", "-e") { Description = "Passes over the training images, per run.", DefaultValueFactory = _ => 3 };
    private static readonly Option<int?> TrainSize = new("--train-size") { Description = "Train on the first N training images only (default: all 60,000).", HelpName = "N" };
    private static readonly Option<int> BatchSize = new("--batch-size", "-b") { Description = "Images per step.", DefaultValueFactory = _ => DefaultTraining.BatchSize };
    private static readonly Option<float> LearningRate = new("--lr") { Description = "Adam learning rate.", DefaultValueFactory = _ => DefaultTraining.Adam.LearningRate };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Seed shared by every run, so runs differ only in β and D.", DefaultValueFactory = _ => DefaultTraining.Seed };
    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Folder for sweep.csv, sweep.svg and one run folder per pair (beta-B-zD).",
        HelpName = "DIR",
        DefaultValueFactory = _ => "sweep",
    };
    private static readonly Option<string?> Data = DataOptions.Data();
    private static readonly Option<bool> Force = new("--force") { Description = "Write into an output folder that already holds files, replacing the runs there." };
    private static readonly Option<int> Threads = new("--threads") { Description = "CPU threads for the matrix products (0: all cores).", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("sweep",
            "Train the K&W model once per β and latent size, and compare their test ELBO, reconstruction and KL in sweep.csv and sweep.svg.")
        {
            Betas, Latents, Hidden, Epochs, TrainSize, BatchSize, LearningRate, Seed, Out, Data, Force, Threads,
        };
        command.SetAction((parse, cancellation) => CommandErrors.Run(() => Run(parse, cancellation)));
        return command;
    }

    private static async Task<int> Run(ParseResult parse, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string output = parse.GetValue(Out)!;
        CommandFolders.RequireEmptyUnlessForced(output, parse.GetValue(Force));
        float[] betas = [.. parse.GetValue(Betas)!.Distinct()];
        int[] latents = [.. parse.GetValue(Latents)!.Distinct()];
        if (betas.Length == 0 || latents.Length == 0) throw new ArgumentException("--betas and --latents each need at least one value");
        if (parse.GetValue(Hidden)!.Length == 0) throw new ArgumentException("--hidden needs at least one layer width, e.g. 500 or 256,128");
        var model = (DefaultModel with { Hidden = parse.GetValue(Hidden)! }).Validate();
        var training = (DefaultTraining with
        {
            Epochs = parse.GetValue(Epochs),
            TrainSize = parse.GetValue(TrainSize),
            BatchSize = parse.GetValue(BatchSize),
            Adam = DefaultTraining.Adam with { LearningRate = parse.GetValue(LearningRate) },
            Seed = parse.GetValue(Seed),
        }).Validate();

        var (train, test) = await DataOptions.Load(parse.GetValue(Data), cancellation);
        using IBackend backend = new CpuBackend(parse.GetValue(Threads));
        using var cancel = new StopSignals();
        Console.WriteLine($"sweeping {betas.Length} β × {latents.Length} latent sizes, {training.Epochs} epoch(s) each — {backend.Description}");
        var results = new List<SweepResult>();
        foreach (var r in SweepRunner.Run(model, training, betas, latents, train, test, NativeEngine.On(backend), output, cancel.Token))
        {
            results.Add(r);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"[{results.Count}/{betas.Length * latents.Length}] β {r.Beta,-5:G4} D {r.Latent,3}  test ELBO {r.Test.Elbo,8:F2} " +
                $"(recon {r.Test.Reconstruction,8:F2}, KL {r.Test.Kl,6:F2})  train loss {r.TrainLoss,8:F2}  {r.Seconds,5:F1} s  → {r.Directory}"));
        }
        if (results.Count < betas.Length * latents.Length)
        {
            Console.WriteLine($"interrupted after {results.Count} run(s); the unfinished run's checkpoint is in its folder, no {SweepTable.FileName} was written");
            return 130;
        }
        string table = Path.Combine(output, SweepTable.FileName), figure = Path.Combine(output, SweepFigure.FileName);
        SweepTable.Write(table, results);
        SweepFigure.Draw([.. results.Select(r => new SweepFigure.Point(r.Beta, r.Latent, r.Test.Elbo, r.Test.Reconstruction, r.Test.Kl))]).Write(figure);
        Console.WriteLine($"wrote {table} and {figure}; sweep took {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
