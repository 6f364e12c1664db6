using System.Diagnostics;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Bench;

/// <summary>
/// What the cores deliver right now on <see cref="FmaLoop"/>, at the vector width the GEMM uses in this process
/// (AVX-512, AVX2, NEON or SSE, or scalar): the ceiling for the GEMM and the epoch, measured next to them because on a
/// shared host it moves (two vCPUs may land on one core).
/// </summary>
internal static class FmaPeak
{
    private const long Iterations = 20_000_000;

    /// <summary>The instruction set the loop, and the GEMM, use.</summary>
    public static string Width => Sgemm.BestPath.Name();

    /// <summary>Best of a few runs, in GFLOP/s summed over <paramref name="threads"/> threads, on the GEMM's path.</summary>
    public static double Measure(int threads) => Measure(threads, Sgemm.BestPath);

    /// <summary>The same on a chosen path.</summary>
    public static double Measure(int threads, SimdPath path)
    {
        var measure = new Measurement { Threads = threads };
        path.Run(ref measure);
        return measure.Best;
    }

    /// <summary>Best of five runs of the loop on every thread at once, GFLOP/s summed.</summary>
    private struct Measurement : ISimdWork
    {
        public int Threads;
        public double Best;

        public void Run<TLanes, TVector>() where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            int threads = Threads;
            for (int run = 0; run < 5; run++)
            {
                long start = Stopwatch.GetTimestamp();
                Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, _ => FmaLoop.Run<TLanes, TVector>(Iterations));
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                Best = Math.Max(Best, threads * FmaLoop.Flops<TLanes, TVector>(Iterations) / seconds / 1e9);
            }
        }
    }
}
