using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;

namespace VaePipeline.Tests.Training;

public class TrainerTests
{
    private static readonly VaeConfig Small = new() { Hidden = [64] };

    private static TrainingOptions Short(long steps) => new() { Steps = steps, TrainSize = 1000, BatchSize = 100, EvalEvery = 1000, Seed = 3 };

    private static TrainingCheckpoint Train(string directory, VaeConfig config, TrainingOptions options, int threads = 2,
        TrainingCheckpoint? resume = null, CancellationToken cancellation = default)
    {
        using var backend = new CpuBackend(threads);
        using var trainer = new Trainer(config, options, Mnist.Train, Mnist.Test, NativeEngine.On(backend), directory, resume);
        trainer.Run(new RecordingObserver(), cancellation);
        return CheckpointStore.Load(directory);
    }

    [Fact]
    public void Same_seed_gives_bit_identical_weights_at_any_thread_count()
    {
        using var dir = new TempDirectory();
        var a = Train(dir.File("a"), Small, Short(12), threads: 1);
        var b = Train(dir.File("b"), Small, Short(12), threads: 2);
        var c = Train(dir.File("c"), Small, Short(12) with { Seed = 4 }, threads: 2);
        Assert.Equal(a.Parameters, b.Parameters);
        Assert.Equal(a.SecondMoment, b.SecondMoment);
        Assert.NotEqual(a.Parameters, c.Parameters);
    }

    [Theory]
    [InlineData(Binarization.Static, BatchOrder.Shuffled)]
    [InlineData(Binarization.Dynamic, BatchOrder.Shuffled)]
    [InlineData(Binarization.Static, BatchOrder.Random)]
    public void Resuming_mid_epoch_continues_exactly(Binarization binarization, BatchOrder batches)
    {
        using var dir = new TempDirectory();
        var config = Small with { Binarization = binarization, Kl = KlEstimator.MonteCarlo };
        TrainingOptions Steps(long steps) => Short(steps) with { Batches = batches };
        var straight = Train(dir.File("straight"), config, Steps(25));
        var half = Train(dir.File("resumed"), config, Steps(15)); // 10 steps per epoch: stops inside the second epoch
        Assert.Equal(15, half.Step);
        var resumed = Train(dir.File("resumed"), config, Steps(25), resume: half);
        Assert.Equal(25, resumed.Step);
        Assert.Equal(straight.Parameters, resumed.Parameters);
        Assert.Equal(straight.FirstMoment, resumed.FirstMoment);
        Assert.Equal(straight.SecondMoment, resumed.SecondMoment);
        Assert.Equal(straight.AdamStep, resumed.AdamStep);
    }

    /// <summary>
    /// Stopped mid-interval and resumed, a run writes the same metrics.csv as one that never stopped: the checkpoint
    /// carries the rows and the interval's sums. Only the two seconds columns differ, as they are wall time.
    /// </summary>
    [Fact]
    public void Metrics_after_a_mid_interval_resume_equal_an_uninterrupted_runs()
    {
        using var dir = new TempDirectory();
        var options = Short(25) with { EvalEvery = 10 };
        Train(dir.File("straight"), Small, options);
        using (var cancel = new CancellationTokenSource())
        using (var backend = new CpuBackend(2))
        {
            using var trainer = new Trainer(Small, options, Mnist.Train, Mnist.Test, NativeEngine.On(backend), dir.File("resumed"));
            Assert.Equal(TrainingOutcome.Interrupted, trainer.Run(new StopAfter(15, cancel), cancel.Token));
        }
        var stopped = CheckpointStore.Load(dir.File("resumed"));
        Assert.Equal(15, stopped.Step);
        Train(dir.File("resumed"), Small, options, resume: stopped);

        static string[] WithoutSeconds(string run) =>
            [.. File.ReadAllLines(Path.Combine(run, MetricsLog.FileName)).Select(l => string.Join(',', l.Split(',')[..^2]))];
        Assert.Equal(4, WithoutSeconds(dir.File("straight")).Length);
        Assert.Equal(WithoutSeconds(dir.File("straight")), WithoutSeconds(dir.File("resumed")));
    }

    [Fact]
    public void Cancellation_writes_a_checkpoint_at_the_current_step()
    {
        using var dir = new TempDirectory();
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        using var backend = new CpuBackend(2);
        using var trainer = new Trainer(Small, Short(50), Mnist.Train, Mnist.Test, NativeEngine.On(backend), dir.Path);
        var observer = new RecordingObserver();
        Assert.Equal(TrainingOutcome.Interrupted, trainer.Run(observer, cancel.Token));
        Assert.Equal(1, CheckpointStore.Load(dir.Path).Step);
        Assert.Equal([1L], observer.Saves);
    }

    [Fact]
    public void A_diverging_loss_stops_training_without_writing_a_checkpoint()
    {
        using var dir = new TempDirectory();
        using var backend = new CpuBackend(2);
        var options = Short(200) with { Adam = new() { LearningRate = 1e4f } };
        using var trainer = new Trainer(Small, options, Mnist.Train, Mnist.Test, NativeEngine.On(backend), dir.Path);
        var error = Assert.Throws<TrainingDivergedException>(() => trainer.Run(new RecordingObserver()));
        Assert.Contains("diverged", error.Message);
        Assert.False(CheckpointStore.Exists(dir.Path));
    }

    [Fact]
    public void Metrics_rows_follow_evaluations_and_the_checkpoint_holds_the_last_test_elbo()
    {
        using var dir = new TempDirectory();
        var observer = new RecordingObserver();
        using (var backend = new CpuBackend(2))
            using (var trainer = new Trainer(Small, Short(25) with { EvalEvery = 10 }, Mnist.Train, Mnist.Test, NativeEngine.On(backend), dir.Path))
                trainer.Run(observer);
        var rows = File.ReadAllLines(Path.Combine(dir.Path, MetricsLog.FileName));
        Assert.StartsWith("step,epoch,train_loss", rows[0]);
        Assert.Equal(["10", "20", "25"], rows.Skip(1).Select(r => r.Split(',')[0]));
        Assert.Equal(observer.Evaluations.Select(e => e.Step), [10L, 20L, 25L]);
        var checkpoint = CheckpointStore.Load(dir.Path);
        Assert.Equal(observer.Evaluations[^1].Test.Elbo, checkpoint.LastTest!.Value.Elbo, precision: 9);
    }

    /// <summary>
    /// The K&amp;W model on the first 1,000 training images for 30 epochs must beat, by a wide margin, the best model that
    /// ignores structure: independent Bernoulli pixels with the training set's (smoothed) pixel frequencies, scored
    /// on the same statically binarized test images.
    /// </summary>
    [Fact]
    public void Short_run_on_1k_images_beats_the_independent_pixel_baseline()
    {
        using var dir = new TempDirectory();
        var options = new TrainingOptions { Epochs = 30, TrainSize = 1000, BatchSize = 100, Seed = 1, EvalEvery = 100 };
        var observer = new RecordingObserver();
        using (var backend = new CpuBackend(2))
            using (var trainer = new Trainer(new VaeConfig(), options, Mnist.Train, Mnist.Test, NativeEngine.On(backend), dir.Path))
                trainer.Run(observer);
        double baseline = IndependentPixelLogLikelihood(trainImages: 1000);
        var first = observer.Evaluations[0].Test.Elbo;
        var last = observer.Evaluations[^1].Test.Elbo;
        Assert.True(last > baseline + 15, $"test ELBO after 30 epochs on 1k images: {last:F2}; independent-pixel baseline {baseline:F2}");
        Assert.True(last > first, $"the test ELBO must improve with training ({first:F2} → {last:F2})");
    }

    private static double IndependentPixelLogLikelihood(int trainImages)
    {
        const int p = 784;
        var ones = new double[p];
        for (int i = 0; i < trainImages; i++)
            for (int j = 0; j < p; j++) ones[j] += Mnist.Train.Pixels[i * p + j] >= 128 ? 1 : 0;
        var prob = ones.Select(c => (c + 1) / (trainImages + 2.0)).ToArray(); // Laplace smoothing: no log 0
        double total = 0;
        for (int i = 0; i < Mnist.Test.Count; i++)
            for (int j = 0; j < p; j++)
                total += Math.Log(Mnist.Test.Pixels[i * p + j] >= 128 ? prob[j] : 1 - prob[j]);
        return total / Mnist.Test.Count;
    }
}

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
