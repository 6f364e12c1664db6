using VaePipeline.Model;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Training.Checkpoints;

/// <summary>Everything needed to continue a run exactly: the model, the options, the step, the weights and Adam's state.</summary>
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
    double TrainSeconds);

/// <summary>A checkpoint that cannot be read or does not fit what was asked of it; the message says why.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
