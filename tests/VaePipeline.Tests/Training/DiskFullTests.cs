using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;

namespace VaePipeline.Tests.Training;

public class DiskFullTests
{
    /// <summary>
    /// A disk with room for one checkpoint of this model (about 616 kB) but not two: the second save fails on the
    /// optimizer file, and the first stays whole and readable, with nothing of the failed save left behind.
    /// </summary>
    [SmallDiskFact]
    public void A_full_disk_keeps_the_last_checkpoint_usable()
    {
        using var disk = new SmallDisk(kilobytes: 1024);
        string run = Path.Combine(disk.Path, "run");
        var config = new VaeConfig { Hidden = [32] };
        var options = new TrainingOptions { Steps = 10, EvalEvery = 5, TrainSize = 500, BatchSize = 100, Seed = 2 };
        using (var backend = new CpuBackend(2))
        {
            using var trainer = new Trainer(config, options, Mnist.Train, Mnist.Test, NativeEngine.On(backend), run);
            var error = Assert.Throws<IOException>(() => trainer.Run(new RecordingObserver()));
            Assert.Contains("No space left on device", error.Message);
        }

        var kept = CheckpointStore.Load(run);
        Assert.Equal(5, kept.Step);
        Assert.Single(kept.MetricsRows);
        Assert.Single(Directory.GetDirectories(run), d => Path.GetFileName(d).StartsWith("ckpt-5-"));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(run), e => Path.GetFileName(e).StartsWith(".ckpt-tmp-"));
    }
}
