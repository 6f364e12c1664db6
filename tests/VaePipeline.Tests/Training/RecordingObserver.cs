using VaePipeline.Training.Loop;

namespace VaePipeline.Tests.Training;

/// <summary>Keeps what the loop reported, for assertions.</summary>
internal sealed class RecordingObserver : ITrainingObserver
{
    public List<EvaluationMetrics> Evaluations { get; } = [];
    public List<long> Saves { get; } = [];
    public TrainingPlan? Plan { get; private set; }

    public void Started(TrainingPlan plan) => Plan = plan;
    public void Stepped(StepMetrics step) { }
    public void Evaluated(EvaluationMetrics evaluation) => Evaluations.Add(evaluation);
    public void Saved(string directory, long step) => Saves.Add(step);
}

/// <summary>Cancels after a given number of steps, as a Ctrl+C then would.</summary>
internal sealed class StopAfter(long steps, CancellationTokenSource cancel) : ITrainingObserver
{
    public void Started(TrainingPlan plan) { }
    public void Stepped(StepMetrics step) { if (step.Step + 1 == steps) cancel.Cancel(); }
    public void Evaluated(EvaluationMetrics evaluation) { }
    public void Saved(string directory, long step) { }
}
