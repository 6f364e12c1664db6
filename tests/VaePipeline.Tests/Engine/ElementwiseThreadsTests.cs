using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

/// <summary>
/// The element-wise kernels split their rows or elements over the worker threads; every output must be bit-identical
/// to the one-thread result, at shapes large enough that the work really is split (and with ragged ends).
/// </summary>
public sealed class ElementwiseThreadsTests
{
    private const int Rows = 101, Cols = 787; // 79,487 elements: several parts, none a multiple of the vector width

    public static TheoryData<Activation?> Activations() => new() { null, Activation.Tanh, Activation.Relu, Activation.Elu, Activation.Softplus };

    [Theory]
    [MemberData(nameof(Activations))]
    public void BiasActivationIsTheSameOnOneAndTwoThreads(Activation? activation)
    {
        var results = new[] { 1, 2 }.Select(threads =>
        {
            using var backend = new CpuBackend(threads);
            var y = Upload(backend, Values(Rows * Cols, 6f, seed: 1));
            backend.BiasActivation(activation, y, Upload(backend, Values(Cols, 1f, seed: 2)), Rows, Cols);
            return Download(backend, y);
        }).ToArray();
        Assert.Equal(results[0], results[1]);
        Assert.NotEqual(Values(Rows * Cols, 6f, seed: 1), results[0]); // the kernel did write
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Elu)]
    [InlineData(Activation.Softplus)]
    public void ActivationBackwardIsTheSameOnOneAndTwoThreads(Activation activation)
    {
        var results = new[] { 1, 2 }.Select(threads =>
        {
            using var backend = new CpuBackend(threads);
            var y = Upload(backend, Values(Rows * Cols, 0.99f, seed: 3));
            var dy = Upload(backend, Values(Rows * Cols, 1f, seed: 4));
            backend.ActivationBackward(activation, y, dy);
            return Download(backend, dy);
        }).ToArray();
        Assert.Equal(results[0], results[1]);
    }

    [Theory]
    [InlineData(Likelihood.Bernoulli)]
    [InlineData(Likelihood.Gaussian)]
    public void LikelihoodIsTheSameOnOneAndTwoThreads(Likelihood likelihood)
    {
        var x = Values(Rows * Cols, 1f, seed: 5).Select(v => v > 0 ? 1f : 0f).ToArray();
        var results = new[] { 1, 2 }.Select(threads =>
        {
            using var backend = new CpuBackend(threads);
            var (perRow, d) = (backend.Allocate(Rows), backend.Allocate(Rows * Cols));
            backend.LogLikelihood(likelihood, Upload(backend, Values(Rows * Cols, 30f, seed: 6)), Upload(backend, x), Rows, Cols, perRow,
                withGradient: true, gradScale: 0.01f, d);
            return Download(backend, perRow).Concat(Download(backend, d)).ToArray();
        }).ToArray();
        Assert.Equal(results[0], results[1]);
    }

    [Fact]
    public void SumRowsAddsEachColumnsRowsInOrderOnOneAndTwoThreads()
    {
        var m = Values(Rows * Cols, 1f, seed: 9);
        var expected = new float[Cols];
        for (int r = 0; r < Rows; r++)
        {
            for (int c = 0; c < Cols; c++)
                expected[c] += m[r * Cols + c];
        }
        foreach (int threads in new[] { 1, 2 })
        {
            using var backend = new CpuBackend(threads);
            var sums = backend.Allocate(Cols);
            backend.SumRows(Upload(backend, m), Rows, Cols, sums);
            Assert.Equal(expected, Download(backend, sums));
        }
    }

    [Fact]
    public void AdamIsTheSameOnOneAndTwoThreads()
    {
        const int n = 100_003;
        var results = new[] { 1, 2 }.Select(threads =>
        {
            using var backend = new CpuBackend(threads);
            var p = Upload(backend, Values(n, 1f, seed: 7));
            var (m, v, g) = (backend.Allocate(n), backend.Allocate(n), Upload(backend, Values(n, 0.1f, seed: 8)));
            for (long step = 1; step <= 3; step++)
                backend.AdamStep(p, g, m, v, new AdamSettings(), step);
            return Download(backend, p).Concat(Download(backend, m)).Concat(Download(backend, v)).ToArray();
        }).ToArray();
        Assert.Equal(results[0], results[1]);
    }

    /// <summary>Uniform values in (−scale, scale), the same for a seed.</summary>
    internal static float[] Values(int length, float scale, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, length).Select(_ => scale * (2 * random.NextSingle() - 1)).ToArray();
    }

    private static Slice Upload(IBackend backend, float[] values)
    {
        var slice = backend.Allocate(values.Length);
        backend.Upload(values, slice);
        return slice;
    }

    private static float[] Download(IBackend backend, Slice slice)
    {
        var values = new float[slice.Length];
        backend.Download(slice, values);
        return values;
    }
}
