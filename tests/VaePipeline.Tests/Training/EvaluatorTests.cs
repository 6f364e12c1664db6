using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Tests.Training;

/// <summary>
/// The importance-weighted bound's defining properties on a briefly trained model: with k = 1 it is a single-sample
/// ELBO (so it agrees with the analytic-KL ELBO up to sampling noise), it rises with k, and repeated runs agree.
/// </summary>
public class EvaluatorTests
{
    private static readonly Lazy<(Vae Model, CpuBackend Backend)> Trained = new(() =>
    {
        var dir = Directory.CreateTempSubdirectory("vae-eval-test-").FullName;
        var config = new VaeConfig { Hidden = [128] };
        var backend = new CpuBackend(2);
        using (var trainer = new Trainer(config, new TrainingOptions { Steps = 150, TrainSize = 3000, EvalEvery = 1000 }, Mnist.Train, Mnist.Test, NativeEngine.On(backend), dir))
            trainer.Run(new RecordingObserver());
        var model = new Vae(config, backend, capacity: 1);
        backend.Upload(CheckpointStore.Load(dir).Parameters, model.Parameters);
        Directory.Delete(dir, recursive: true);
        return (model, backend);
    });

    private static readonly VaePipeline.Data.MnistSplit Few = new(Mnist.Test.Pixels[..(300 * 784)], Mnist.Test.Labels[..300]);

    [Fact]
    public void Iwae_with_one_sample_is_an_elbo_estimate()
    {
        var (model, backend) = Trained.Value;
        var evaluator = new Evaluator(model, backend);
        double elbo = evaluator.Elbo(Few).Elbo;
        double iwae1 = evaluator.ImportanceWeighted(Few, k: 1);
        Assert.True(Math.Abs(iwae1 - elbo) < 3, $"IWAE k=1 {iwae1:F2} vs ELBO {elbo:F2}");
    }

    [Fact]
    public void Iwae_tightens_as_k_grows_and_is_deterministic()
    {
        var (model, backend) = Trained.Value;
        var evaluator = new Evaluator(model, backend);
        double k1 = evaluator.ImportanceWeighted(Few, k: 1);
        double k10 = evaluator.ImportanceWeighted(Few, k: 10);
        double k100 = evaluator.ImportanceWeighted(Few, k: 100);
        Assert.True(k10 > k1 + 0.2 && k100 > k10 + 0.1, $"IWAE should rise with k: k=1 {k1:F2}, k=10 {k10:F2}, k=100 {k100:F2}");
        Assert.Equal(k10, evaluator.ImportanceWeighted(Few, k: 10));
    }

    [Fact]
    public void Samples_beyond_one_pass_are_merged_into_the_one_pass_bound()
    {
        var (model, backend) = Trained.Value;
        var two = new VaePipeline.Data.MnistSplit(Mnist.Test.Pixels[..(2 * 784)], Mnist.Test.Labels[..2]);
        double chunked = new Evaluator(model, backend).ImportanceWeighted(two, k: 2500); // passes of 1,000, 1,000 and 500
        double onePass = new Evaluator(model, backend) { ImportanceRowsPerPass = 2500 }.ImportanceWeighted(two, k: 2500);
        Assert.Equal(onePass, chunked, 1e-9);
    }

    [Fact]
    public void A_large_k_streams_in_bounded_memory()
    {
        var (model, backend) = Trained.Value;
        var one = new VaePipeline.Data.MnistSplit(Mnist.Test.Pixels[..784], Mnist.Test.Labels[..1]);
        var evaluator = new Evaluator(model, backend);
        long before = GC.GetAllocatedBytesForCurrentThread();
        double bound = evaluator.ImportanceWeighted(one, k: 50_000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // Holding all 50,000 samples would take 50,000 × 784 floats (157 MB) for the repeated input alone.
        Assert.True(allocated < 40_000_000, $"{allocated:N0} bytes allocated for k = 50,000");
        Assert.True(double.IsFinite(bound));
    }

    [Fact]
    public void Scoring_a_split_again_allocates_no_new_staging()
    {
        // Training scores the test split after every epoch; a fresh 3 MB staging array each time grew the resident
        // memory of a 100-epoch run from 157 to 395 MB.
        var (model, backend) = Trained.Value;
        var thousand = new VaePipeline.Data.MnistSplit(Mnist.Test.Pixels[..(1000 * 784)], Mnist.Test.Labels[..1000]);
        var evaluator = new Evaluator(model, backend);
        double first = evaluator.Elbo(thousand).Elbo;
        long before = GC.GetAllocatedBytesForCurrentThread();
        double again = evaluator.Elbo(thousand).Elbo;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 100_000, $"{allocated:N0} bytes allocated to score 1,000 images again (their pixels are 3,136,000)");
        Assert.Equal(first, again);
    }

    [Fact]
    public void A_k_beyond_the_limit_is_refused()
    {
        var (model, backend) = Trained.Value;
        var error = Assert.Throws<ArgumentException>(() => new Evaluator(model, backend).ImportanceWeighted(Few, k: 5_000_000));
        Assert.Contains("between 1 and 1,000,000", error.Message);
    }
}
