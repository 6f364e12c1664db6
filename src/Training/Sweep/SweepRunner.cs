using System.Diagnostics;
using System.Globalization;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Loop;

namespace VaePipeline.Training.Sweep;

/// <summary>
/// Trains one model per (β, latent size) pair, each into its own run folder under one root, so every checkpoint can
/// be evaluated or exported on its own later. Runs share the seed, so pairs differ only in β and D.
/// </summary>
public static class SweepRunner
{
    /// <summary>The run folder of one pair, e.g. <c>beta-0.1-z5</c>.</summary>
    public static string RunFolder(string root, float beta, int latent) =>
        Path.Combine(root, string.Create(CultureInfo.InvariantCulture, $"beta-{beta}-z{latent}"));

    /// <summary>
    /// Runs the grid β-major and yields each result as its run finishes, so a caller can report progress.
    /// Stops early (yielding nothing more) when <paramref name="cancellation"/> fires; the interrupted run keeps its checkpoint.
    /// </summary>
    public static IEnumerable<SweepResult> Run(VaeConfig model, TrainingOptions options, IReadOnlyList<float> betas, IReadOnlyList<int> latents,
        MnistSplit train, MnistSplit test, EngineFactory engine, string root, CancellationToken cancellation = default)
    {
        foreach (float beta in betas)
        foreach (int latent in latents)
        {
            string directory = RunFolder(root, beta, latent);
            var clock = Stopwatch.StartNew();
            var last = new LastEvaluation();
            TrainingOutcome outcome;
            // A --force rerun replaces the old run's checkpoint, metrics rows included, with its first commit.
            using (RunFolderLock.Acquire(directory))
            using (var trainer = new Trainer(model with { Beta = beta, Latent = latent }, options, train, test, engine, directory))
                outcome = trainer.Run(last, cancellation);
            if (outcome != TrainingOutcome.Completed) yield break;
            var final = last.Metrics ?? throw new InvalidOperationException("a completed run always ends with an evaluation");
            yield return new SweepResult(beta, latent, final.Test, final.TrainLoss, clock.Elapsed.TotalSeconds, directory);
        }
    }

    /// <summary>Keeps the last evaluation: a completed run evaluates at its final step, which is the one the sweep reports.</summary>
    private sealed class LastEvaluation : ITrainingObserver
    {
        public EvaluationMetrics? Metrics { get; private set; }

        public void Started(TrainingPlan plan) { }
        public void Stepped(StepMetrics step) { }
        public void Evaluated(EvaluationMetrics evaluation) => Metrics = evaluation;
        public void Saved(string directory, long step) { }
    }
}
