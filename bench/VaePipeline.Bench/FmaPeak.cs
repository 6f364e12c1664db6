using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Bench;

/// <summary>
/// What the cores deliver right now on a loop of independent register-only fused multiply-adds, at the vector width
/// the GEMM uses on this CPU (AVX-512, AVX2 or scalar): the ceiling for the GEMM and the epoch, measured next to them
/// because on a shared host it moves (two vCPUs may land on one core).
/// </summary>
internal static class FmaPeak
{
    private const long Iterations = 20_000_000;
    private const int Chains = 12;

    /// <summary>The instruction set the loop, and the GEMM, use.</summary>
    public static string Width => Sgemm.BestPath.Name();

    /// <summary>Best of a few runs, in GFLOP/s summed over <paramref name="threads"/> threads.</summary>
    public static double Measure(int threads) => Sgemm.BestPath switch
    {
        SimdPath.Vector512 => Measure<Lanes512, Vector512<float>>(threads),
        SimdPath.Vector256 => Measure<Lanes256, Vector256<float>>(threads),
        _ => Measure<LanesScalar, float>(threads),
    };

    private static double Measure<TLanes, TVector>(int threads) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
    {
        double best = 0;
        for (int run = 0; run < 5; run++)
        {
            long start = Stopwatch.GetTimestamp();
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => Loop<TLanes, TVector>(Iterations));
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, threads * Iterations * Chains * 2.0 * TLanes.Count / seconds / 1e9);
        }
        return best;
    }

    /// <summary>Twelve independent accumulator chains, as many as the GEMM micro-kernel keeps.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe float Loop<TLanes, TVector>(long iterations) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
    {
        TVector x = TLanes.Broadcast(0.999f), y = TLanes.Broadcast(1e-3f), one = TLanes.Broadcast(1f);
        TVector c0 = y, c1 = y, c2 = y, c3 = y, c4 = y, c5 = y, c6 = y, c7 = y, c8 = y, c9 = y, c10 = y, c11 = y;
        for (long i = 0; i < iterations; i++)
        {
            c0 = TLanes.MultiplyAdd(c0, x, y);
            c1 = TLanes.MultiplyAdd(c1, x, y);
            c2 = TLanes.MultiplyAdd(c2, x, y);
            c3 = TLanes.MultiplyAdd(c3, x, y);
            c4 = TLanes.MultiplyAdd(c4, x, y);
            c5 = TLanes.MultiplyAdd(c5, x, y);
            c6 = TLanes.MultiplyAdd(c6, x, y);
            c7 = TLanes.MultiplyAdd(c7, x, y);
            c8 = TLanes.MultiplyAdd(c8, x, y);
            c9 = TLanes.MultiplyAdd(c9, x, y);
            c10 = TLanes.MultiplyAdd(c10, x, y);
            c11 = TLanes.MultiplyAdd(c11, x, y);
        }
        // Summed into one vector and stored, so the JIT cannot drop a chain as unused.
        TVector sum = c0;
        foreach (var c in new[] { c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11 }) sum = TLanes.MultiplyAdd(sum, one, c);
        float* sink = stackalloc float[TLanes.Count];
        TLanes.Store(sink, sum);
        return sink[0];
    }
}
