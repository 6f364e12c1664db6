using System.Globalization;
using Spectre.Console;
using VaePipeline.Training.Loop;

namespace VaePipeline.Cli.Output;

/// <summary>
/// Draws training: on a terminal, a live progress bar with the running loss, KL and reconstruction, and one line per
/// evaluation above it; when output is redirected (CI, a log file), plain lines only.
/// </summary>
internal static class TrainingConsole
{
    public static TrainingOutcome Run(Trainer trainer, string directory, CancellationToken cancellation)
    {
        TrainingOutcome outcome;
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            outcome = AnsiConsole.Progress()
                .AutoClear(true)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(),
                         new ElapsedTimeColumn(), new RemainingTimeColumn())
                .Start(context => trainer.Run(new LiveObserver(context), cancellation));
        }
        else
        {
            outcome = trainer.Run(new LineObserver(Console.Out), cancellation);
        }
        Console.WriteLine(outcome == TrainingOutcome.Completed
            ? $"done: checkpoint and metrics.csv in {directory}"
            : $"interrupted at step {trainer.Step}: checkpoint written to {directory}; continue with --resume {directory}");
        return outcome;
    }

    /// <summary>The text both observers print for an evaluation.</summary>
    internal static string Describe(EvaluationMetrics m, TrainingPlan plan) => string.Create(CultureInfo.InvariantCulture,
        $"epoch {m.Epoch,6:0.##}  step {m.Step,7}  train loss {m.TrainLoss,8:F2} (recon {m.TrainReconstruction,8:F2}, KL {m.TrainKl,6:F2})  " +
        $"test ELBO {m.Test.Elbo,8:F2} (recon {m.Test.Reconstruction,8:F2}, KL {m.Test.Kl,6:F2})  " +
        $"{m.IntervalTrainSeconds * plan.StepsPerEpoch / m.IntervalSteps:F2} s/epoch");

    internal static string Describe(TrainingPlan plan) => string.Create(CultureInfo.InvariantCulture,
        $"training {plan.Parameters:N0} parameters on {plan.TrainImages:N0} images ({plan.StepsPerEpoch} steps/epoch, " +
        $"{plan.TotalSteps:N0} steps{(plan.FirstStep > 0 ? $", resuming at step {plan.FirstStep:N0}" : "")}) — {plan.Backend}");

    private sealed class LineObserver(TextWriter output) : ITrainingObserver
    {
        private TrainingPlan? _plan;

        public void Started(TrainingPlan plan)
        {
            _plan = plan;
            output.WriteLine(Describe(plan));
        }

        public void Stepped(StepMetrics step) { }

        public void Evaluated(EvaluationMetrics evaluation) => output.WriteLine(Describe(evaluation, _plan!));

        public void Saved(string directory, long step) { }
    }

    private sealed class LiveObserver(ProgressContext context) : ITrainingObserver
    {
        private ProgressTask? _task;
        private TrainingPlan? _plan;
        private double _loss, _recon, _kl;

        public void Started(TrainingPlan plan)
        {
            _plan = plan;
            AnsiConsole.WriteLine(Describe(plan));
            _task = context.AddTask("starting", maxValue: plan.TotalSteps);
            _task.Value = plan.FirstStep;
        }

        public void Stepped(StepMetrics step)
        {
            // Exponential moving averages: a readable running value rather than one noisy batch.
            const double keep = 0.98;
            bool first = _loss == 0;
            _loss = first ? step.Loss : keep * _loss + (1 - keep) * step.Loss;
            _recon = first ? step.Reconstruction : keep * _recon + (1 - keep) * step.Reconstruction;
            _kl = first ? step.Kl : keep * _kl + (1 - keep) * step.Kl;
            _task!.Value = step.Step + 1;
            _task.Description = string.Create(CultureInfo.InvariantCulture,
                $"epoch {(step.Step / _plan!.StepsPerEpoch) + 1}  loss {_loss:F2}  recon {_recon:F2}  KL {_kl:F2}");
        }

        public void Evaluated(EvaluationMetrics evaluation) => AnsiConsole.WriteLine(Describe(evaluation, _plan!));

        public void Saved(string directory, long step) { }
    }
}
