using System.Diagnostics;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Onnx;
using VaePipeline.Data;
using VaePipeline.Inference.Components;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Bench;

/// <summary>
/// ML.NET Transform of the 10,000 MNIST test digits (pixels/255 in a 784-vector column, from memory) to μ: our
/// EncodeVae transformer, batched, against ML.NET's own ApplyOnnxModel on the same model, which runs ONNX Runtime once
/// per row, by default and with one intra-op thread. They alternate, round after round, so all see the same machine;
/// each reads every μ through a cursor.
/// </summary>
internal static class MlNetBench
{
    private const int Rounds = 11;

    /// <summary>
    /// The pause before each timed round. ApplyOnnxModel's session keeps ONNX Runtime's default of pool threads that
    /// spin after a run; measured back to back, the round after it ran with that thread still busy on one of the two
    /// cores (our runs took 65 ms per 10,000 rows instead of 52). After 100 ms it has gone to sleep.
    /// </summary>
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(100);

    private sealed class Digit
    {
        [VectorType(MnistSplit.PixelsPerImage)]
        public float[] pixels { get; set; } = [];
    }

    public static async Task Run(string[] args)
    {
        string model = BenchArgs.Value(args, "--model") ?? BenchArgs.InRepository("onnx", OnnxContract.EncoderFile);
        var test = MnistFiles.LoadTest(await new MnistSource().LocateAsync(BenchArgs.Value(args, "--data") ?? EpochBench.DefaultData()));
        var ml = new MLContext(seed: 1);
        var data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, test.Count).Select(i => new Digit
        {
            pixels = [.. test.Pixels.AsSpan(i * MnistSplit.PixelsPerImage, MnistSplit.PixelsPerImage).ToArray().Select(p => p / 255f)],
        }).ToList());

        var ours = ml.Transforms.EncodeVae(model).Fit(data);
        var builtIn = ml.Transforms.ApplyOnnxModel([OnnxContract.LatentMean, OnnxContract.LatentLogSigma], [OnnxContract.Pixels], model).Fit(data);
        var builtInOneThread = ml.Transforms.ApplyOnnxModel(new OnnxOptions
        {
            ModelFile = model, InputColumns = [OnnxContract.Pixels], OutputColumns = [OnnxContract.LatentMean, OnnxContract.LatentLogSigma],
            IntraOpNumThreads = 1,
        }).Fit(data);
        Console.WriteLine($"ML.NET benchmark: Transform of {test.Count:N0} test digits to latent_mean through {model}, " +
                          $"{Environment.ProcessorCount} cores, ONNX Runtime's default threads; {Rounds} alternating rounds after a warm-up");

        var transforms = new Dictionary<string, ITransformer>
        {
            [Ours] = ours, [BuiltIn] = builtIn, ["ApplyOnnxModel, 1 thread"] = builtInOneThread,
        };
        var times = transforms.Keys.ToDictionary(name => name, _ => new List<double>());
        foreach (var t in transforms.Values) ReadMeans(t, data); // warm-up: JIT, ORT's arena
        for (int round = 0; round < Rounds; round++)
            foreach (var (name, transformer) in transforms)
            {
                Thread.Sleep(Settle);
                var clock = Stopwatch.StartNew();
                ReadMeans(transformer, data);
                times[name].Add(clock.Elapsed.TotalSeconds);
            }
        var source = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            ReadColumn(data, OnnxContract.Pixels);
            source.Add(clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"{"reading the pixels alone",-26} best {test.Count / source.Min(),9:N0} rows/s   (the input view's own cost, in both)");
        using var encoder = VaeEncoder.Open(model);
        float[] pixels = [.. test.Pixels.ToArray().Select(p => p / 255f)];
        var session = new List<double>();
        for (int round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            for (int start = 0; start < test.Count; start += VaeCatalog.DefaultBatchSize)
                encoder.Encode(pixels.AsMemory(start * MnistSplit.PixelsPerImage,
                    Math.Min(VaeCatalog.DefaultBatchSize, test.Count - start) * MnistSplit.PixelsPerImage));
            session.Add(clock.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"{"VaeEncoder.Encode alone",-26} best {test.Count / session.Min(),9:N0} rows/s   (batches of 256 from one array, no ML.NET)");
        foreach (var (name, seconds) in times)
        {
            seconds.Sort();
            Console.WriteLine($"{name,-26} best {test.Count / seconds[0],9:N0} rows/s   median {test.Count / seconds[Rounds / 2],9:N0} rows/s");
        }
        foreach (var other in times.Keys.Where(name => name != Ours))
            Console.WriteLine($"speed-up over {other}, medians: {times[other][Rounds / 2] / times[Ours][Rounds / 2]:F1}×");
    }

    private const string Ours = "EncodeVae (batch 256)", BuiltIn = "ApplyOnnxModel (per row)";

    private static void ReadMeans(ITransformer transformer, IDataView data) => ReadColumn(transformer.Transform(data), OnnxContract.LatentMean);

    private static void ReadColumn(IDataView output, string name)
    {
        var column = output.Schema[name];
        using var cursor = output.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        VBuffer<float> value = default;
        while (cursor.MoveNext()) getter(ref value);
    }
}
