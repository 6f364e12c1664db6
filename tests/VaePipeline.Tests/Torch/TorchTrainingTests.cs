using VaePipeline.Model;
using VaePipeline.Tests.Training;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Torch;

namespace VaePipeline.Tests.Torch;

/// <summary>The torch engine under the Trainer: the same run folder, the same training, and resuming across engines.</summary>
public class TorchTrainingTests
{
    public enum Engine { Native, Torch }

    private static TrainingCheckpoint Train(Engine engine, string directory, VaeConfig config, TrainingOptions options,
        TrainingCheckpoint? resume = null, CancellationToken cancellation = default, ITrainingObserver? observer = null)
    {
        using var backend = new CpuBackend(2);
        var factory = engine == Engine.Native ? NativeEngine.On(backend) : TorchEngine.On(TorchDevice.Open(TrainingDevice.Cpu, threads: 2));
        using var trainer = new Trainer(config, options, Mnist.Train, Mnist.Test, factory, directory, resume);
        trainer.Run(observer ?? new RecordingObserver(), cancellation);
        return CheckpointStore.Load(directory);
    }

    [Fact]
    public void One_epoch_on_10k_images_ends_within_0_3_nats_of_the_native_engines_test_elbo()
    {
        using var dir = new TempDirectory();
        var kingmaWelling = new VaeConfig();
        var options = new TrainingOptions { Epochs = 1, TrainSize = 10_000, Seed = 1 };
        var native = Train(Engine.Native, dir.File("native"), kingmaWelling, options).LastTest!.Value;
        var torch = Train(Engine.Torch, dir.File("torch"), kingmaWelling, options).LastTest!.Value;
        Assert.InRange(native.Elbo, -215, -150); // it did learn: an untrained model scores about −545
        Assert.InRange(torch.Elbo - native.Elbo, -0.3, 0.3);
        Assert.InRange(torch.Kl - native.Kl, -0.3, 0.3);
    }

    [Theory]
    [InlineData(Engine.Native, Engine.Torch)]
    [InlineData(Engine.Torch, Engine.Native)]
    public void A_run_stopped_on_one_engine_continues_on_the_other(Engine first, Engine second)
    {
        using var dir = new TempDirectory();
        var config = new VaeConfig { Hidden = [64], Kl = KlEstimator.MonteCarlo, Binarization = Binarization.Dynamic };
        var options = new TrainingOptions { Steps = 30, TrainSize = 1000, BatchSize = 100, EvalEvery = 10, Seed = 3 };
        var straight = Train(first, dir.File("straight"), config, options);

        using (var cancel = new CancellationTokenSource())
            Train(first, dir.File("resumed"), config, options, cancellation: cancel.Token, observer: new StopAfter(15, cancel)); // Ctrl+C mid-interval
        var stopped = CheckpointStore.Load(dir.File("resumed"));
        Assert.Equal(15, stopped.Step);
        var resumed = Train(second, dir.File("resumed"), config, options, resume: stopped);

        Assert.Equal(30, resumed.Step);
        Assert.Equal(30, resumed.AdamStep);
        // Weights and moments as an uninterrupted run's, up to the engines' float32 rounding: the step that moved
        // them from the stop is at least a thousand times larger than where they differ.
        Assert.True(Rms(resumed.Parameters, straight.Parameters) < 1e-3 * Rms(straight.Parameters, stopped.Parameters),
            $"weights differ by {Rms(resumed.Parameters, straight.Parameters):E2} rms after a move of {Rms(straight.Parameters, stopped.Parameters):E2}");
        Assert.True(Rms(resumed.SecondMoment, straight.SecondMoment) < 1e-3 * Rms(straight.SecondMoment, stopped.SecondMoment));
        Assert.InRange(resumed.LastTest!.Value.Elbo - straight.LastTest!.Value.Elbo, -0.01, 0.01);
        // The metrics rows the first engine wrote stay, and the second engine's continue them: 3 rows, as uninterrupted.
        Assert.Equal(3, resumed.MetricsRows.Count);
        Assert.Equal(stopped.MetricsRows[0], resumed.MetricsRows[0]);
    }

    private static double Rms(float[] a, float[] b) => Math.Sqrt(a.Zip(b, (x, y) => (double)(x - y) * (x - y)).Average());
}
