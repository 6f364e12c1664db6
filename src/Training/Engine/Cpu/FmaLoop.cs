using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// Independent register-only fused multiply-adds, as many chains as the GEMM micro-kernel keeps: the rate a core
/// delivers at one vector width with nothing else in the way. <see cref="SimdChoice"/> compares two widths with it,
/// and the benchmarks divide by it.
/// </summary>
internal static unsafe class FmaLoop
{
    private const int Chains = 12;

    /// <summary>Floating-point operations in one <see cref="Run{TLanes,TVector}"/> of <paramref name="iterations"/>.</summary>
    public static double Flops<TLanes, TVector>(long iterations) where TLanes : IFloatLanes<TVector> where TVector : unmanaged =>
        iterations * Chains * 2.0 * TLanes.Count;

    /// <summary>GFLOP/s of one run of <paramref name="iterations"/> on the calling thread.</summary>
    public static double Rate<TLanes, TVector>(long iterations) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
    {
        long start = Stopwatch.GetTimestamp();
        Run<TLanes, TVector>(iterations);
        return Flops<TLanes, TVector>(iterations) / Stopwatch.GetElapsedTime(start).TotalSeconds / 1e9;
    }

    /// <summary>
    /// Twelve chains of c = c · x + y. Compiled fully optimised on first call (no tier-0 code to measure) and never
    /// inlined, so the loop is the same code wherever it is timed.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    public static float Run<TLanes, TVector>(long iterations) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
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
        // Summed into one vector and stored, so the JIT cannot drop a chain as unused. Written out, with no call after
        // the loop: a call (an array for the chains, say) makes the JIT keep Vector512 chains on the stack, stored at
        // every iteration, which halved the AVX-512 loop's rate and made Zen 5 look double-pumped.
        TVector sum = TLanes.MultiplyAdd(c0, one, c1);
        sum = TLanes.MultiplyAdd(sum, one, c2);
        sum = TLanes.MultiplyAdd(sum, one, c3);
        sum = TLanes.MultiplyAdd(sum, one, c4);
        sum = TLanes.MultiplyAdd(sum, one, c5);
        sum = TLanes.MultiplyAdd(sum, one, c6);
        sum = TLanes.MultiplyAdd(sum, one, c7);
        sum = TLanes.MultiplyAdd(sum, one, c8);
        sum = TLanes.MultiplyAdd(sum, one, c9);
        sum = TLanes.MultiplyAdd(sum, one, c10);
        sum = TLanes.MultiplyAdd(sum, one, c11);
        float* sink = stackalloc float[TLanes.Count];
        TLanes.Store(sink, sum);
        return sink[0];
    }
}
