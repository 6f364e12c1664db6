using System.Diagnostics;
using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Bench;

/// <summary>
/// The element-wise kernels of one K&amp;W training step (batch 100, 784-500-2, tanh, Bernoulli, Adam over 788,788
/// parameters), each timed alone: µs per call, best of several rounds, on 1 and on 2 threads. They are the part of
/// the epoch outside the GEMMs.
/// </summary>
internal static class KernelBench
{
    private const int Rows = 100, Pixels = 784, Hidden = 500, Parameters = 788_788;

    public static void Run()
    {
        Console.WriteLine($"element-wise kernels at the K&W shapes (batch {Rows}), µs per call, best of 7 rounds of 200 calls");
        Console.WriteLine($"{"kernel",-34} {"1 thread",9} {"2 threads",9}");
        foreach (var (name, make) in Kernels())
        {
            var times = new[] { 1, 2 }.Select(threads =>
            {
                using var backend = new CpuBackend(threads);
                var call = make(backend);
                return Best(call);
            }).ToArray();
            Console.WriteLine($"{name,-34} {times[0],9:F1} {times[1],9:F1}");
        }
    }

    private static IEnumerable<(string, Func<CpuBackend, Action>)> Kernels()
    {
        yield return ("bias+tanh 100×500", b =>
        {
            var (y, bias) = (Random(b, Rows * Hidden, 2), Random(b, Hidden, 0.1f));
            return () => b.BiasActivation(Activation.Tanh, y, bias, Rows, Hidden);
        });
        yield return ("bias 100×784 (logits)", b =>
        {
            var (y, bias) = (Random(b, Rows * Pixels, 2), Random(b, Pixels, 0.1f));
            return () => b.BiasActivation(null, y, bias, Rows, Pixels);
        });
        yield return ("tanh′ 100×500", b =>
        {
            var (y, dy) = (Random(b, Rows * Hidden, 1), Random(b, Rows * Hidden, 1));
            return () => b.ActivationBackward(Activation.Tanh, y, dy);
        });
        yield return ("Bernoulli log p + gradient 100×784", b =>
        {
            var (logits, x, perRow, d) = (Random(b, Rows * Pixels, 8), Bits(b, Rows * Pixels), b.Allocate(Rows), b.Allocate(Rows * Pixels));
            return () => b.LogLikelihood(Likelihood.Bernoulli, logits, x, Rows, Pixels, perRow, true, 0.01f, d);
        });
        yield return ("sum rows 100×784", b =>
        {
            var (m, sums) = (Random(b, Rows * Pixels, 1), b.Allocate(Pixels));
            return () => b.SumRows(m, Rows, Pixels, sums);
        });
        yield return ("Adam ×788,788", b =>
        {
            var (p, g, m, v) = (Random(b, Parameters, 0.1f), Random(b, Parameters, 0.01f), b.Allocate(Parameters), b.Allocate(Parameters));
            long step = 0;
            var settings = new AdamSettings();
            return () => b.AdamStep(p, g, m, v, settings, ++step);
        });
    }

    private static double Best(Action call)
    {
        for (int i = 0; i < 50; i++) call(); // warm-up: JIT tiers, caches, spinning workers
        double best = double.MaxValue;
        for (int round = 0; round < 7; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < 200; i++) call();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalMicroseconds / 200);
        }
        return best;
    }

    private static Slice Random(IBackend backend, int length, float scale)
    {
        var random = new Random(length);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = scale * (2 * random.NextSingle() - 1);
        var slice = backend.Allocate(length);
        backend.Upload(values, slice);
        return slice;
    }

    private static Slice Bits(IBackend backend, int length)
    {
        var random = new Random(7);
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = random.Next(2);
        var slice = backend.Allocate(length);
        backend.Upload(values, slice);
        return slice;
    }
}
