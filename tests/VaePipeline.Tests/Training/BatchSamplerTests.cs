using VaePipeline.Training.Loop;

namespace VaePipeline.Tests.Training;

public class BatchSamplerTests
{
    [Fact]
    public void Shuffled_batches_use_every_image_once_per_epoch_and_end_with_a_short_batch()
    {
        var sampler = new BatchSampler(seed: 5, BatchOrder.Shuffled, batchSize: 30, trainCount: 100);
        Assert.Equal(4, sampler.StepsPerEpoch);
        for (int epoch = 0; epoch < 2; epoch++)
        {
            int[][] batches = [.. Enumerable.Range(0, 4).Select(s => sampler.Images(epoch * 4 + s).ToArray())];
            Assert.Equal([30, 30, 30, 10], batches.Select(b => b.Length));
            Assert.Equal(Enumerable.Range(0, 100), batches.SelectMany(b => b).Order());
        }
        Assert.NotEqual(sampler.Images(0).ToArray(), sampler.Images(4).ToArray()); // a new permutation each epoch
    }

    [Fact]
    public void Random_batches_are_full_drawn_with_replacement_and_the_same_for_a_step_whatever_came_before()
    {
        var sampler = new BatchSampler(seed: 5, BatchOrder.Random, batchSize: 30, trainCount: 100);
        int[][] steps = [.. Enumerable.Range(0, 200).Select(s => sampler.Images(s).ToArray())];
        Assert.All(steps, b => Assert.Equal(30, b.Length));
        Assert.All(steps, b => Assert.All(b, i => Assert.InRange(i, 0, 99)));
        Assert.Contains(steps, b => b.Distinct().Count() < b.Length); // with replacement: repeats within a batch happen
        // 6,000 draws of 100 images: every image appears, none wildly often (expected 60, sd ≈ 7.7).
        var counts = steps.SelectMany(b => b).GroupBy(i => i).Select(g => g.Count()).ToArray();
        Assert.Equal(100, counts.Length);
        Assert.All(counts, c => Assert.InRange(c, 25, 100));

        var fresh = new BatchSampler(seed: 5, BatchOrder.Random, batchSize: 30, trainCount: 100);
        Assert.Equal(steps[137], fresh.Images(137).ToArray());
        Assert.NotEqual(steps[137], new BatchSampler(seed: 6, BatchOrder.Random, 30, 100).Images(137).ToArray());
    }
}
