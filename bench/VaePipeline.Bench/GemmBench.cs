using System.Diagnostics;
using System.Runtime.InteropServices;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Bench;

/// <summary>Times <see cref="Sgemm.Multiply"/> on every GEMM shape of one VAE training step (batch 100).</summary>
internal static unsafe class GemmBench
{
    private const double MinSecondsPerCase = 0.3;

    /// <summary>Each timed batch runs about this long; the best batch's mean is reported.</summary>
    private const double BatchSeconds = 0.02;

    private sealed record Shape(string Name, int M, int N, int K, bool TransA, bool TransB, float Beta = 0f);

    private static readonly Shape[] Shapes =
    [
        new("fwd enc  X·W1ᵀ", 100, 500, 784, false, true),
        new("fwd dec  Z·W2ᵀ", 100, 784, 500, false, true),
        new("grad dW1 dYᵀ·X", 500, 784, 100, true, false, 1f),
        new("grad dW2 dYᵀ·H", 784, 500, 100, true, false),
        new("grad dX  dL·W", 100, 500, 784, false, false),
        new("latent   Z·Wᵀ", 100, 500, 2, false, true),
        new("latent   H·Wᵀ", 100, 4, 500, false, true),
        new("latent   dWᵀ", 4, 500, 100, true, false),
        new("latent   dW", 500, 2, 100, true, false),
    ];

    public static void Run()
    {
        Console.WriteLine($"Sgemm, {Environment.ProcessorCount} logical cores; best batch mean of ≥ {MinSecondsPerCase} s per row");
        Console.WriteLine();
        Console.WriteLine($"{"shape",-16} {"m",5} {"n",5} {"k",5} {"op",3} {"thr",3} {"ms/call",9} {"GFLOP/s",8}");
        foreach (Shape shape in Shapes)
        {
            foreach (int threads in new[] { 1, 2 })
            {
                double seconds = TimeCall(shape, threads);
                double gflops = 2.0 * shape.M * shape.N * shape.K / seconds / 1e9;
                string op = (shape.TransA ? "T" : "N") + (shape.TransB ? "T" : "N");
                Console.WriteLine($"{shape.Name,-16} {shape.M,5} {shape.N,5} {shape.K,5} {op,3} {threads,3} {seconds * 1e3,9:F4} {gflops,8:F1}");
            }
        }
    }

    /// <summary>Seconds per call: warm up, then the fastest of many ~20 ms batches.</summary>
    private static double TimeCall(Shape s, int threads)
    {
        int aLength = s.M * s.K, bLength = s.K * s.N, cLength = s.M * s.N;
        float* a = Allocate(aLength), b = Allocate(bLength), c = Allocate(cLength);
        try
        {
            var random = new Random(1);
            Fill(a, aLength, random);
            Fill(b, bLength, random);
            Fill(c, cLength, random);
            int lda = s.TransA ? s.M : s.K, ldb = s.TransB ? s.K : s.N;
            void Call() => Sgemm.Multiply(s.TransA, s.TransB, s.M, s.N, s.K, 1f, a, lda, b, ldb, s.Beta, c, s.N, threads);

            // Warm-up doubles as calibration: it reaches tier-1 code and measures how many calls fill a batch.
            int calls = 1;
            var watch = Stopwatch.StartNew();
            while (watch.Elapsed.TotalSeconds < 0.1)
            {
                for (int i = 0; i < calls; i++)
                    Call();
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
                    Call();
                best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalSeconds / batch);
            }
            return best;
        }
        finally
        {
            NativeMemory.AlignedFree(a);
            NativeMemory.AlignedFree(b);
            NativeMemory.AlignedFree(c);
        }
    }

    private static float* Allocate(int length) => (float*)NativeMemory.AlignedAlloc((nuint)Math.Max(length, 1) * sizeof(float), 64);

    private static void Fill(float* p, int length, Random random)
    {
        for (int i = 0; i < length; i++)
            p[i] = (float)(random.NextDouble() * 2 - 1);
    }
}
