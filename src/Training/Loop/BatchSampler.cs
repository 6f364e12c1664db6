using VaePipeline.Numerics;

namespace VaePipeline.Training.Loop;

/// <summary>
/// Which training images each step uses (<see cref="BatchOrder"/>). Every draw is keyed by the seed and the step or
/// epoch, never by what came before, so a resumed run uses exactly the batches an uninterrupted one would have.
/// </summary>
internal sealed class BatchSampler(ulong seed, BatchOrder order, int batchSize, int trainCount)
{
    private readonly int[] _permutation = new int[trainCount];
    private readonly int[] _picked = new int[batchSize];
    private long _permutedEpoch = -1;

    public int StepsPerEpoch { get; } = (trainCount + batchSize - 1) / batchSize;

    /// <summary>The images of step <paramref name="step"/>; the last batch of a shuffled epoch may be short.</summary>
    public ReadOnlySpan<int> Images(long step)
    {
        if (order == BatchOrder.Random)
        {
            var pick = Rng.For(seed, RngStream.RandomBatch, step);
            for (int r = 0; r < _picked.Length; r++) _picked[r] = pick.NextInt(trainCount);
            return _picked;
        }
        long epoch = step / StepsPerEpoch;
        if (epoch != _permutedEpoch)
        {
            for (int i = 0; i < _permutation.Length; i++) _permutation[i] = i;
            Rng.For(seed, RngStream.Shuffle, epoch).Shuffle(_permutation);
            _permutedEpoch = epoch;
        }
        int start = (int)(step % StepsPerEpoch) * batchSize;
        return _permutation.AsSpan(start, Math.Min(batchSize, trainCount - start));
    }
}
