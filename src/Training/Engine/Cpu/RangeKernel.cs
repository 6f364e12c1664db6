using System.Runtime.CompilerServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>Element-wise work over a range of indices [start, end): rows, or elements of a flat buffer.</summary>
internal interface IRangeKernel
{
    void Run(int start, int end);
}

/// <summary>
/// Spreads an <see cref="IRangeKernel"/> over the GEMM's <see cref="WorkerTeam"/>, whose workers are still spinning
/// from the last product, so handing out a part costs well under a microsecond. Each index is computed by exactly one
/// part, in the same arithmetic whatever the split, so the result does not depend on the thread count.
/// </summary>
internal static unsafe class RangeKernel
{
    /// <summary>
    /// Runs <paramref name="kernel"/> over [0, count) in up to <paramref name="threads"/> parts of at least
    /// <paramref name="minPerPart"/> indices, part boundaries on multiples of <paramref name="align"/> (a cache line of
    /// floats keeps two threads off each other's lines). The kernel must be a local of the caller: workers read it
    /// through a pointer until this returns.
    /// </summary>
    public static void Run<T>(ref T kernel, int count, int threads, int minPerPart, int align = 1) where T : unmanaged, IRangeKernel
    {
        int parts = Math.Clamp(count / Math.Max(1, minPerPart), 1, Math.Min(threads, Environment.ProcessorCount));
        if (parts == 1)
        {
            kernel.Run(0, count);
            return;
        }
        Job<T> job = new() { Kernel = (T*)Unsafe.AsPointer(ref kernel), Count = count, Parts = parts, Align = align };
        WorkerTeam.Run(&RunPart<T>, &job, parts);
    }

    private struct Job<T> where T : unmanaged
    {
        public T* Kernel;
        public int Count, Parts, Align;
    }

    private static void RunPart<T>(void* state, int part) where T : unmanaged, IRangeKernel
    {
        var job = (Job<T>*)state;
        int per = (job->Count + job->Parts - 1) / job->Parts;
        per = (per + job->Align - 1) / job->Align * job->Align;
        int start = Math.Min(job->Count, part * per), end = Math.Min(job->Count, start + per);
        if (start < end) job->Kernel->Run(start, end);
    }
}
