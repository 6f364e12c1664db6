using System.Runtime.Intrinsics;
using System.Numerics.Tensors;
using VaePipeline.Model;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The CPU implementation of <see cref="IBackend"/>: GEMMs on the project's packed SIMD kernel spread over
/// <see cref="Threads"/> cores; element-wise work vectorised (TensorPrimitives or Vector&lt;float&gt;) and split over
/// the same cores by rows or elements (<see cref="RangeKernel"/>): a few percent of the FLOPs, but a third of a
/// step's time on one core. Split across files by kernel family.
/// </summary>
public sealed unsafe partial class CpuBackend : IBackend
{
    private readonly SimdChoice _simd;

    public CpuBackend(int threads = 0)
    {
        if (threads < 0) throw new ArgumentException($"thread count must be ≥ 0 (got {threads})");
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        _simd = SimdChoice.Current; // a bad VAE_CPU_SIMD fails here, not in the first product
    }

    public int Threads { get; }

    public string Description =>
        $"cpu ({Threads} thread{(Threads == 1 ? "" : "s")}, {_simd.Path.Name()}{(_simd.Reason is null ? "" : $": {_simd.Reason}")}; " +
        $"L2 {CpuCaches.L2Bytes >> 10} KB)";

    public Slice Allocate(int length) => new(new CpuMemory(length), 0, length);

    public void Upload(ReadOnlySpan<float> source, Slice destination)
    {
        Check(destination, source.Length, nameof(destination));
        fixed (float* from = source)
        {
            var copy = new CopyKernel { Source = from, Destination = Ptr(destination) };
            // A training batch (313 KB) goes into lines the previous step left in the other core's cache or in memory,
            // at 6-8 GB/s a core: on Zen 5, 38-40 µs a step on the caller alone, 22-23 on both cores (epoch medians).
            RangeKernel.Run(ref copy, source.Length, Threads, minPerPart: 32768, align: 16);
        }
    }

    /// <summary>destination[start, end) = source[start, end).</summary>
    private struct CopyKernel : IRangeKernel
    {
        public float* Source, Destination;

        public readonly void Run<TLanes, TVector>(int start, int end) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged =>
            new ReadOnlySpan<float>(Source + start, end - start).CopyTo(new Span<float>(Destination + start, end - start));
    }

    public void Download(Slice source, Span<float> destination)
    {
        if (destination.Length > source.Length) throw new ArgumentException($"cannot download {destination.Length} floats from a slice of {source.Length}");
        Span(source)[..destination.Length].CopyTo(destination);
    }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Slice a, Slice b, float beta, Slice c)
    {
        Check(a, m * k, nameof(a));
        Check(b, k * n, nameof(b));
        Check(c, m * n, nameof(c));
        Sgemm.Multiply(transA, transB, m, n, k, alpha, Ptr(a), transA ? m : k, Ptr(b), transB ? k : n, beta, Ptr(c), n, Threads);
    }

    public void SumRows(Slice m, int rows, int cols, Slice sums)
    {
        Check(m, rows * cols, nameof(m));
        Check(sums, cols, nameof(sums));
        var kernel = new SumRowsKernel { M = Ptr(m), Sums = Ptr(sums), Rows = rows, Cols = cols };
        RangeKernel.Run(ref kernel, cols, Threads, minPerPart: Math.Max(16, 16384 / Math.Max(1, rows)), align: 16);
    }

    /// <summary>
    /// sums[c] = Σ_r m[r, c] for the columns [start, end), rows added in order: a bias gradient. Split by columns,
    /// so each sum is formed the same way whatever the thread count.
    /// </summary>
    private struct SumRowsKernel : IRangeKernel
    {
        public float* M, Sums;
        public int Rows, Cols;

        public readonly void Run<TLanes, TVector>(int start, int end) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            var total = new Span<float>(Sums + start, end - start);
            total.Clear();
            for (int r = 0; r < Rows; r++)
                TensorPrimitives.Add(total, new ReadOnlySpan<float>(M + (nint)r * Cols + start, end - start), total);
        }
    }

    private static float* Ptr(Slice s) => ((CpuMemory)s.Memory).Pointer + s.Offset;

    private static Span<float> Span(Slice s) => ((CpuMemory)s.Memory).Span(s.Offset, s.Length);

    private static void Check(Slice s, int needed, string name)
    {
        if (s.Length < needed) throw new ArgumentException($"{name} holds {s.Length} floats but {needed} are needed");
    }

    public void Dispose() { }
}
