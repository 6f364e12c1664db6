using System.Diagnostics;
using VaePipeline.Inference.Onnx;
using VaePipeline.Inference.Images;

namespace VaePipeline.Bench;

/// <summary>
/// Decoding throughput in-process: 10,000 latents drawn from the prior through <see cref="VaeDecoder.Decode"/> on the
/// exported decoder, in batches of several sizes (one ONNX Runtime run per batch, intra-op threads left to ORT). Each
/// size gets a warm-up pass, then the best of several; the 8-bit conversion is timed apart, as `vae decode` adds it.
/// </summary>
internal static class DecodeBench
{
    private const int Count = 10_000;
    private const int Passes = 7;
    private static readonly int[] BatchSizes = [Count, 1_000, 100, 10, 1];

    public static void Run(string[] args)
    {
        string model = BenchArgs.Value(args, "--model") ?? DefaultModel();
        using var decoder = VaeDecoder.Open(model);
        float[] latents = decoder.PriorLatents(Count, seed: 1);
        Console.WriteLine($"decode benchmark: {Count:N0} latents (D = {decoder.LatentSize}) from N(0, I) through {model}, " +
                          $"{Environment.ProcessorCount} cores, warm-up then best of {Passes} passes");

        float[] means = [];
        foreach (int batch in BatchSizes)
        {
            double best = Best(() =>
            {
                for (int start = 0; start < Count; start += batch)
                    means = decoder.Decode(latents.AsMemory(start * decoder.LatentSize, batch * decoder.LatentSize));
            });
            Console.WriteLine($"batch {batch,6:N0}  {Count / best,10:N0} latents/s  {best * 1e6 / Count,7:F2} µs/latent  ({Count / batch:N0} runs)");
        }

        means = decoder.Decode(latents);
        double levels = Best(() => GrayLevels.FromIntensities(means));
        Console.WriteLine($"8-bit levels of all {Count:N0}: {Count / levels,10:N0} latents/s  {levels * 1e6 / Count,7:F2} µs/latent");
    }

    /// <summary>Seconds for the fastest of <see cref="Passes"/> timed passes, after one untimed pass that warms JIT, ORT's arena and the caches.</summary>
    private static double Best(Action pass)
    {
        pass();
        double best = double.MaxValue;
        for (int p = 0; p < Passes; p++)
        {
            var clock = Stopwatch.StartNew();
            pass();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }
        return best;
    }

    private static string DefaultModel() => BenchArgs.InRepository("onnx", "decoder.onnx");
}
