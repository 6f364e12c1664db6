namespace VaePipeline.Training.Loop;

/// <summary>What the loop reports; the CLI draws it as a progress bar or plain lines.</summary>
public interface ITrainingObserver
{
    void Started(TrainingPlan plan);
    void Stepped(StepMetrics step);
    void Evaluated(EvaluationMetrics evaluation);
    void Saved(string directory, long step);
}

public sealed record TrainingPlan(string Backend, long FirstStep, long TotalSteps, int StepsPerEpoch, int TrainImages, int TestImages, int Parameters);

/// <summary>One optimizer step: the batch's loss (−mean(recon − β·KL)), reconstruction log-likelihood and KL, per image.</summary>
public readonly record struct StepMetrics(long Step, double Loss, double Reconstruction, double Kl);

/// <summary>
/// Averages of the training batches since the last evaluation, and the test ELBO at this step.
/// <see cref="IntervalTrainSeconds"/> is the time of the <see cref="IntervalSteps"/> optimizer steps since the last evaluation, <see cref="TrainSeconds"/>
/// the same over the whole run (resumes included); neither counts evaluation. <see cref="ElapsedSeconds"/> is wall-clock
/// time since this process started (or resumed) training.
/// </summary>
public sealed record EvaluationMetrics(long Step, double Epoch, double TrainLoss, double TrainReconstruction, double TrainKl,
    ElboTotals Test, int IntervalSteps, double IntervalTrainSeconds, double TrainSeconds, double ElapsedSeconds);
