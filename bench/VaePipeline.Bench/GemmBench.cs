using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Bench;

/// <summary>Times <see cref="Sgemm.Multiply"/> on every GEMM shape of one VAE training step (default: the K&amp;W model at batch 100).</summary>
internal static unsafe class GemmBench
{
    private const double MinSecondsPerCase = 0.3;

    /// <summary>Each timed batch runs about this long; the best batch's mean is reported.</summary>
    private const double BatchSeconds = 0.02;

    /// <param name="Core">One of the five large products that make up nearly all of a training step's flops.</param>
    private sealed record Shape(string Name, int M, int N, int K, bool TransA, bool TransB, bool Core, float Beta = 0f);

    /// <summary>The GEMMs of one step of a 784-<paramref name="h"/>-2 model at batch <paramref name="b"/>.</summary>
    private static Shape[] Shapes(int b, int h) =>
    [
        new("1 fwd enc X·W1ᵀ", b, h, 784, false, true, Core: true),
        new("2 fwd dec H·W2ᵀ", b, 784, h, false, true, Core: true),
        new("3 grad dW1 dYᵀ·X", h, 784, b, true, false, Core: true, Beta: 1f),
        new("4 grad dW2 dYᵀ·H", 784, h, b, true, false, Core: true),
        new("5 grad dX dL·W", b, h, 784, false, false, Core: true),
        new("6 latent Z·Wᵀ", b, h, 2, false, true, Core: false),
        new("6 latent H·Wᵀ", b, 4, h, false, true, Core: false),
        new("6 latent dYᵀ·H", 4, h, b, true, false, Core: false),
        new("6 latent dYᵀ·Z", h, 2, b, true, false, Core: false),
        new("6 latent dL·W", b, h, 4, false, false, Core: false),
        new("6 latent dL·W", b, 2, h, false, false, Core: false),
    ];

    private static readonly int[] ThreadCounts = [1, 2];

    public static void Run(string[] args)
    {
        int batch = int.Parse(BenchArgs.Value(args, "--batch-size") ?? "100", CultureInfo.InvariantCulture);
        int hidden = int.Parse(BenchArgs.Value(args, "--hidden") ?? "500", CultureInfo.InvariantCulture);
        Console.WriteLine($"Sgemm on the shapes of 784-{hidden}-2 at batch {batch}, {Environment.ProcessorCount} logical cores; " +
                          $"per row the best mean of {BatchSeconds * 1e3:F0} ms batches over ≥ {MinSecondsPerCase} s");
        Console.WriteLine();
        // The FMA-only loop before and after the products; the shares are against the faster reading, since on a
        // shared host the cores' rate moves between moments and one low reading would flatter the products.
        double[] peakBefore = ThreadCounts.Select(FmaPeak.Measure).ToArray();
        Console.WriteLine($"{"shape",-18} {"m",5} {"n",5} {"k",5} {"op",3} {"thr",3} {"ms/call",9} {"GFLOP/s",8}");
        Shape[] shapes = Shapes(batch, hidden);
        var coreSeconds = new double[ThreadCounts.Length];
        double coreFlops = 0;
        foreach (Shape shape in shapes)
        {
            double flops = 2.0 * shape.M * shape.N * shape.K;
            if (shape.Core)
                coreFlops += flops;
            for (int t = 0; t < ThreadCounts.Length; t++)
            {
                double seconds = TimeCall(shape, ThreadCounts[t]);
                if (shape.Core)
                    coreSeconds[t] += seconds;
                string op = (shape.TransA ? "T" : "N") + (shape.TransB ? "T" : "N");
                Console.WriteLine($"{shape.Name,-18} {shape.M,5} {shape.N,5} {shape.K,5} {op,3} {ThreadCounts[t],3} {seconds * 1e3,9:F4} {flops / seconds / 1e9,8:F1}");
            }
        }

        double[] inTurn = ThreadCounts.Select(threads => CoreInTurn(batch, hidden, threads).Seconds).ToArray();

        Console.WriteLine();
        for (int t = 0; t < ThreadCounts.Length; t++)
        {
            double after = FmaPeak.Measure(ThreadCounts[t]), peak = Math.Max(peakBefore[t], after);
            string Rate(double seconds) => $"{seconds * 1e3:F3} ms, {coreFlops / seconds / 1e9:F1} GFLOP/s = {coreFlops / seconds / 1e9 / peak:P0}";
            Console.WriteLine($"shapes 1-5, {ThreadCounts[t]} thread(s): each alone {Rate(coreSeconds[t])}; in turn {Rate(inTurn[t])} " +
                              $"of the {peak:F0} GFLOP/s an FMA-only loop reached at its faster of before and after ({peakBefore[t]:F0}, {after:F0})");
        }
        ComparePaths(shapes.Where(s => s.Core).ToArray(), coreFlops);
    }

    /// <summary>
    /// Where the CPU runs more than one vector path: the five products in turn on each, beside each path's own FMA-only
    /// loop, so the choice <see cref="SimdChoice"/> made from the loops alone can be checked against the products.
    /// </summary>
    private static void ComparePaths(Shape[] core, double coreFlops)
    {
        SimdPath[] paths = SimdChoice.Supported.Where(p => p != SimdPath.Scalar).ToArray();
        if (paths.Length < 2)
            return;
        Console.WriteLine();
        Console.WriteLine($"shapes 1-5 in turn on each SIMD path (this process uses {Sgemm.BestPath.Name()}" +
                          $"{(SimdChoice.Current.Reason is { } reason ? $": {reason}" : "")}):");
        using var operands = new OperandSet(core);
        foreach (int threads in ThreadCounts)
        {
            foreach (SimdPath path in paths)
            {
                double seconds = Best(() => operands.CallInTurn(path, threads));
                double rate = coreFlops / seconds / 1e9, peak = FmaPeak.Measure(threads, path);
                // Products faster than the loop mean the loop does not reach this width's peak: the probe that chooses
                // the path reads the same loop, as it did when Zen 5 was taken for double-pumped.
                string misread = rate > peak ? " (above the loop: its reading, and the path choice made from it, are wrong)" : "";
                Console.WriteLine($"  {path.Name(),-8} {threads} thread(s): {seconds * 1e3:F3} ms, {rate:F1} GFLOP/s = {rate / peak:P0} " +
                                  $"of its FMA-only loop's {peak:F0}{misread}");
            }
        }
    }

    /// <summary>
    /// Seconds and flops of the five large products of a 784-<paramref name="hidden"/>-2 step at batch
    /// <paramref name="batch"/>, called one after another on their own operands on <paramref name="threads"/> threads,
    /// as a training step calls them: each then finds its operands where the previous products left the caches, not
    /// warm from its own last call (best of many batches).
    /// </summary>
    public static (double Seconds, double Flops) CoreInTurn(int batch, int hidden, int threads)
    {
        Shape[] core = Shapes(batch, hidden).Where(s => s.Core).ToArray();
        using var operands = new OperandSet(core);
        return (Best(() => operands.CallInTurn(Sgemm.BestPath, threads)), core.Sum(s => 2.0 * s.M * s.N * s.K));
    }

    /// <summary>Seconds per call of one shape on its own operands.</summary>
    private static double TimeCall(Shape shape, int threads)
    {
        using var operands = new OperandSet([shape]);
        return Best(() => operands.Calls[0](Sgemm.BestPath, threads));
    }

    /// <summary>Seconds per call: warm up, then the fastest of many ~20 ms batches.</summary>
    private static double Best(Action call)
    {
        // Warm-up doubles as calibration: it reaches tier-1 code and measures how many calls fill a batch.
        int calls = 1;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < 0.1)
        {
            for (int i = 0; i < calls; i++)
                call();
            calls *= 2;
        }
        double perCall = watch.Elapsed.TotalSeconds / (2 * calls - 1);
        int batch = Math.Max(1, (int)(BatchSeconds / perCall));

        double best = double.MaxValue;
        var total = Stopwatch.StartNew();
        while (total.Elapsed.TotalSeconds < MinSecondsPerCase)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
                call();
            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / batch);
        }
        return best;
    }

    /// <summary>Random A, B and C for each shape, and a call per shape that multiplies them on a given number of threads.</summary>
    private sealed class OperandSet : IDisposable
    {
        private readonly List<nint> _buffers = [];

        public OperandSet(Shape[] shapes)
        {
            var random = new Random(1);
            Calls = shapes.Select(s =>
            {
                float* a = Filled(s.M * s.K, random), b = Filled(s.K * s.N, random), c = Filled(s.M * s.N, random);
                int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
                return (Action<SimdPath, int>)((path, threads) =>
                    Sgemm.Multiply(path, s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, s.Beta, c, s.N, threads));
            }).ToArray();
        }

        public Action<SimdPath, int>[] Calls { get; }

        /// <summary>Every product once, in order, as a training step calls them.</summary>
        public void CallInTurn(SimdPath path, int threads)
        {
            foreach (var call in Calls)
                call(path, threads);
        }

        private float* Filled(int length, Random random)
        {
            float* p = Allocate(length);
            _buffers.Add((nint)p);
            for (int i = 0; i < length; i++)
                p[i] = (float)(random.NextDouble() * 2 - 1);
            return p;
        }

        public void Dispose()
        {
            foreach (nint p in _buffers)
                NativeMemory.AlignedFree((void*)p);
        }
    }

    private static float* Allocate(int length) => (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1) * sizeof(float), 64);
}
