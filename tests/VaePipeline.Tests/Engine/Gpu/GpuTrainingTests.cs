using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Tests.Model;
using VaePipeline.Tests.Training;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Loop;

namespace VaePipeline.Tests.Engine.Gpu;

/// <summary>
/// Whole runs through the Trainer on the GPU backend (training images on the device, batches gathered there): the
/// same seed trains as the CPU does, up to float order, and a checkpoint written on one device resumes on the other.
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class GpuTrainingTests(GpuTestDevice device)
{
    private static readonly VaeConfig Small = new() { Hidden = [16] };

    /// <summary>A test split of 100 images: the CPU accelerator is slow, and the ELBO pass is not what is checked here.</summary>
    private static readonly Lazy<MnistSplit> FewTestImages = new(() =>
        new MnistSplit(Mnist.Test.Pixels[..(100 * MnistSplit.PixelsPerImage)], Mnist.Test.Labels[..100]));

    /// <summary>Small, because the CPU accelerator runs this model at about half a second a step.</summary>
    private static TrainingOptions Steps(long steps) => new() { Steps = steps, TrainSize = 100, BatchSize = 20, EvalEvery = 1000, Seed = 7 };

    private static TrainingCheckpoint Train(IBackend backend, string directory, VaeConfig config, long steps, TrainingCheckpoint? resume = null)
    {
        using var trainer = new Trainer(config, Steps(steps), Mnist.Train, FewTestImages.Value, NativeEngine.On(backend), directory, resume);
        trainer.Run(new RecordingObserver());
        return CheckpointStore.Load(directory);
    }

    private static void Near(TrainingCheckpoint expected, TrainingCheckpoint actual)
    {
        Assert.Equal(expected.Step, actual.Step);
        Assert.Equal(expected.AdamStep, actual.AdamStep);
        // Adam divides by √v, so float-order differences in tiny gradients move a parameter by up to about lr·1e-2.
        Close.All("parameters", expected.Parameters.Select(v => (double)v).ToArray(), actual.Parameters, rel: 1e-3);
        Close.All("first moment", expected.FirstMoment.Select(v => (double)v).ToArray(), actual.FirstMoment, rel: 1e-2);
    }

    [Theory]
    [InlineData(Binarization.Static)]
    [InlineData(Binarization.Dynamic)] // filled on the host: the same pixels on both devices
    public void A_seed_trains_on_the_gpu_as_on_the_cpu_and_resumes_across_devices(Binarization binarization)
    {
        using var dir = new TempDirectory();
        var config = Small with { Binarization = binarization };
        var cpu = Train(device.Reference, dir.File("cpu"), config, 4);
        Near(cpu, Train(device.Backend, dir.File("gpu"), config, 4));

        var half = Train(device.Backend, dir.File("gpu-then-cpu"), config, 2);
        Near(cpu, Train(device.Reference, dir.File("gpu-then-cpu"), config, 4, resume: half));

        half = Train(device.Reference, dir.File("cpu-then-gpu"), config, 2);
        Near(cpu, Train(device.Backend, dir.File("cpu-then-gpu"), config, 4, resume: half));
    }
}
