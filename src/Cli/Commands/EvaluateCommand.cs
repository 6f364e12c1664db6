using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae evaluate RUN</c>: test ELBO and the importance-weighted log-likelihood bound of a checkpoint.</summary>
internal static class EvaluateCommand
{
    private static readonly Argument<string> Run = new("run") { Description = "Run folder holding a checkpoint (written by 'vae train')." };
    private static readonly Option<string?> Data = DataOptions.Data();
    private static readonly Option<int> Samples = new("--iwae-k", "-k")
    {
        Description = $"Importance samples per image for the IWAE bound on log p(x) (0 skips it; 5,000 is the usual report; at most {Evaluator.MaxImportanceSamples:N0}).",
        DefaultValueFactory = _ => 500,
    };
    private static readonly Option<bool> OnTrain = new("--train") { Description = "Score the training images instead of the 10,000 test images." };
    private static readonly Option<int> Threads = new("--threads") { Description = "CPU threads (0: all cores).", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("evaluate", "Score a checkpoint: mean test ELBO (one z per image) and the IWAE estimate of log p(x) with k samples.")
        {
            Run, Data, Samples, OnTrain, Threads,
        };
        command.SetAction((parse, cancellation) => CommandErrors.Run(() => Evaluate(parse, cancellation)));
        return command;
    }

    private static async Task<int> Evaluate(ParseResult parse, CancellationToken cancellation)
    {
        int k = parse.GetValue(Samples);
        if (k < 0 || k > Evaluator.MaxImportanceSamples)
            throw new ArgumentException($"--iwae-k must be between 0 and {Evaluator.MaxImportanceSamples:N0} (got {k:N0})");
        string directory = parse.GetValue(Run)!;
        var checkpoint = CheckpointStore.Load(directory);
        var (train, test) = await DataOptions.Load(parse.GetValue(Data), cancellation);
        var split = parse.GetValue(OnTrain) ? train : test;
        string name = parse.GetValue(OnTrain) ? "train" : "test";

        using var backend = new CpuBackend(parse.GetValue(Threads));
        var model = new Vae(checkpoint.Model, backend, capacity: 1);
        backend.Upload(checkpoint.Parameters, model.Parameters);
        var evaluator = new Evaluator(model, backend);
        var clock = Stopwatch.StartNew();
        var elbo = evaluator.Elbo(split);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name} ELBO  {elbo.Elbo:F2} nats  (reconstruction {elbo.Reconstruction:F2}, KL {elbo.Kl:F2}; {split.Count:N0} images, step {checkpoint.Step:N0})"));
        if (k > 0)
        {
            // A progress line only where a person watches; in a log it would be noise.
            var progress = Console.IsErrorRedirected ? null
                : new Progress<int>(done => Console.Error.Write($"\rIWAE k={k}: {done:N0}/{split.Count:N0} images"));
            double iwae = evaluator.ImportanceWeighted(split, k, progress);
            if (progress is not null) Console.Error.Write("\r".PadRight(60) + "\r");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name} IWAE  {iwae:F2} nats  (log p(x) bound, k = {k}; {clock.Elapsed.TotalSeconds:F1} s)"));
        }
        return 0;
    }
}
