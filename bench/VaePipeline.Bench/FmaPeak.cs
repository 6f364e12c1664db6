using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace VaePipeline.Bench;

/// <summary>
/// What the cores deliver right now on a loop of independent register-only fused multiply-adds: the ceiling
/// for the GEMM, measured next to it because on a shared host it moves (two vCPUs may land on one core).
/// </summary>
internal static class FmaPeak
{
    private const long Iterations = 20_000_000;

    /// <summary>Best of a few runs, in GFLOP/s summed over <paramref name="threads"/> threads.</summary>
    public static double Measure(int threads)
    {
        double best = 0;
        for (int run = 0; run < 5; run++)
        {
            long start = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Loop(Iterations));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, threads * Iterations * 12 * 2 * Vector512<float>.Count / seconds / 1e9);
        }
        return best;
    }

    /// <summary>Twelve independent accumulator chains, as many as the GEMM micro-kernel keeps.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Loop(long iterations)
    {
        Vector512<float> x = Vector512.Create(0.999f), y = Vector512.Create(1e-3f);
        Vector512<float> c0 = y, c1 = y, c2 = y, c3 = y, c4 = y, c5 = y, c6 = y, c7 = y, c8 = y, c9 = y, c10 = y, c11 = y;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, x, y);
            c1 = Vector512.FusedMultiplyAdd(c1, x, y);
            c2 = Vector512.FusedMultiplyAdd(c2, x, y);
            c3 = Vector512.FusedMultiplyAdd(c3, x, y);
            c4 = Vector512.FusedMultiplyAdd(c4, x, y);
            c5 = Vector512.FusedMultiplyAdd(c5, x, y);
            c6 = Vector512.FusedMultiplyAdd(c6, x, y);
            c7 = Vector512.FusedMultiplyAdd(c7, x, y);
            c8 = Vector512.FusedMultiplyAdd(c8, x, y);
            c9 = Vector512.FusedMultiplyAdd(c9, x, y);
            c10 = Vector512.FusedMultiplyAdd(c10, x, y);
            c11 = Vector512.FusedMultiplyAdd(c11, x, y);
        }
        return Vector512.Sum(c0 + c1 + c2 + c3 + c4 + c5 + c6 + c7 + c8 + c9 + c10 + c11);
    }
}
