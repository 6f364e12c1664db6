using VaePipeline.Model;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Training.Checkpoints;

/// <summary>
/// Everything needed to continue a run exactly: the model, the options, the step, the weights and Adam's state, and
/// what its metrics.csv holds so far (<paramref name="MetricsRows"/>, without the header) with the sums of the
/// interval being averaged (<paramref name="Interval"/>).
/// </summary>
public sealed record TrainingCheckpoint(
    VaeConfig Model,
    TrainingOptions Options,
    long Step,
    double Epoch,
    long AdamStep,
    ParameterLayout Layout,
    float[] Parameters,
    float[] FirstMoment,
    float[] SecondMoment,
    ElboTotals? LastTest,
    double TrainSeconds,
    IntervalSums Interval,
    IReadOnlyList<string> MetricsRows);

/// <summary>A checkpoint that cannot be read or does not fit what was asked of it; the message says why.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
