using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

/// <summary>
/// The CPU backend's buffers start on a cache line, uploads land exactly where asked on any number of threads, and Adam
/// gives the same bits wherever its slices start.
/// </summary>
public sealed unsafe class CpuMemoryTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(788_788)]
    public void BuffersStartOnACacheLine(int length)
    {
        var memory = new CpuMemory(length);
        Assert.Equal(0, (nint)memory.Pointer % 64);
        Assert.Equal(length, memory.Span(0, length).Length);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void UploadsLandExactlyInTheirSlice(int threads)
    {
        // Large uploads are copied in parts over the threads: every float must arrive, and none outside the slice change.
        const int n = 100_003, offset = 5, after = 7;
        using var backend = new CpuBackend(threads);
        var buffer = backend.Allocate(offset + n + after);
        float[] values = ElementwiseThreadsTests.Values(n, 1f, seed: 5);
        backend.Upload(values, buffer.Sub(offset, n));
        var all = new float[offset + n + after];
        backend.Download(buffer, all);
        Assert.True(all.AsSpan(offset, n).SequenceEqual(values));
        Assert.All(all[..offset].Concat(all[(offset + n)..]), x => Assert.Equal(0f, x));
    }

    [Fact]
    public void AdamGivesTheSameBitsWhereverItsSlicesStart()
    {
        // Adam takes single elements up to the first cache line, then vectors: a layer starting at any float of the
        // parameter buffer must get what one starting on a line gets.
        const int n = 1_003;
        float[]? first = null;
        for (int offset = 0; offset < 18; offset++)
        {
            using var backend = new CpuBackend(threads: 1);
            Slice Part(float[] values)
            {
                var slice = backend.Allocate(offset + n).Sub(offset, n);
                backend.Upload(values, slice);
                return slice;
            }
            var (p, g) = (Part(ElementwiseThreadsTests.Values(n, 1f, seed: 3)), Part(ElementwiseThreadsTests.Values(n, 0.1f, seed: 4)));
            var (m, v) = (Part(new float[n]), Part(new float[n]));
            for (long step = 1; step <= 3; step++)
                backend.AdamStep(p, g, m, v, new AdamSettings(), step);
            var result = new float[3 * n];
            backend.Download(p, result.AsSpan(0, n));
            backend.Download(m, result.AsSpan(n, n));
            backend.Download(v, result.AsSpan(2 * n, n));
            first ??= result;
            Assert.True(first.AsSpan().SequenceEqual(result), $"Adam on slices starting at float {offset} differs");
        }
    }
}
