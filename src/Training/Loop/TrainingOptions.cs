using VaePipeline.Training.Engine;

namespace VaePipeline.Training.Loop;

/// <summary>How long and how to train; the model itself is a <see cref="VaePipeline.Model.VaeConfig"/>.</summary>
public sealed record TrainingOptions
{
    public int Epochs { get; init; } = 100;
    /// <summary>Total optimizer steps; when set it replaces <see cref="Epochs"/>.</summary>
    public long? Steps { get; init; }
    public int BatchSize { get; init; } = 100;
    public AdamSettings Adam { get; init; } = new();
    public ulong Seed { get; init; } = 1;
    /// <summary>Train on the first N training images only (null: all).</summary>
    public int? TrainSize { get; init; }
    /// <summary>Evaluate on the test set (and checkpoint) every this many steps; null: at the end of every epoch.</summary>
    public long? EvalEvery { get; init; }
    public BatchOrder Batches { get; init; } = BatchOrder.Shuffled;

    public TrainingOptions Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"epochs must be ≥ 1 (got {Epochs})");
        if (Steps is <= 0) throw new ArgumentException($"steps must be ≥ 1 (got {Steps})");
        if (BatchSize <= 0) throw new ArgumentException($"batch size must be ≥ 1 (got {BatchSize})");
        if (TrainSize is <= 0) throw new ArgumentException($"train size must be ≥ 1 (got {TrainSize})");
        if (EvalEvery is <= 0) throw new ArgumentException($"eval-every must be ≥ 1 step (got {EvalEvery})");
        Adam.Validate();
        return this;
    }
}

/// <summary>How the images of each step are chosen.</summary>
public enum BatchOrder
{
    /// <summary>A new permutation every epoch, cut into consecutive batches: every image once per epoch.</summary>
    Shuffled,
    /// <summary>Every batch drawn independently and uniformly, with replacement; an "epoch" is then only a count of steps.</summary>
    Random,
}
