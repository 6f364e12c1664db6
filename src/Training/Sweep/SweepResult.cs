using VaePipeline.Training.Loop;

namespace VaePipeline.Training.Sweep;

/// <summary>
/// One finished run of a sweep: its β and latent size, the test ELBO at β = 1 with its two terms, the last epoch's
/// mean training loss (β-weighted, as optimized), wall-clock seconds including evaluation, and its run folder.
/// </summary>
public sealed record SweepResult(float Beta, int Latent, ElboTotals Test, double TrainLoss, double Seconds, string Directory);
