namespace VaePipeline.Training.Loop;

/// <summary>
/// The training batches' metrics summed since the last evaluation, and the run's training seconds when that interval
/// began. A checkpoint keeps them, so the first row after a mid-interval resume averages the same steps as a run that
/// never stopped.
/// </summary>
public sealed record IntervalSums(int Steps, double Loss, double Reconstruction, double Kl, double StartTrainSeconds)
{
    public static IntervalSums StartingAt(double trainSeconds) => new(0, 0, 0, 0, trainSeconds);

    public IntervalSums Add(StepMetrics m) =>
        this with { Steps = Steps + 1, Loss = Loss + m.Loss, Reconstruction = Reconstruction + m.Reconstruction, Kl = Kl + m.Kl };

    public double MeanLoss => Loss / Math.Max(1, Steps);
    public double MeanReconstruction => Reconstruction / Math.Max(1, Steps);
    public double MeanKl => Kl / Math.Max(1, Steps);
}
