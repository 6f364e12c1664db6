using System.Globalization;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;
#if TORCH_ENGINE
using VaePipeline.Training.Torch;
#endif

namespace VaePipeline.Bench;

/// <summary>
/// Seconds per epoch of the K&amp;W model (60,000 images, batch 100) and peak resident memory for the native engine,
/// the torch engine (TorchSharp on libtorch's CPU build) and PyTorch (bench/peers/torch_train.py), each in a process
/// of its own so that each peak is its own, run in turn round after round so that a change in the machine's load
/// falls on all three alike.
/// </summary>
internal static class TorchEpochBench
{
#if TORCH_ENGINE
    private static readonly string[] AllEngines = ["native", "torch", "pytorch"];
#else
    private static readonly string[] AllEngines = ["native", "pytorch"]; // no libtorch for this runtime (Directory.Build.props)
#endif

    public static async Task Run(string[] args)
    {
        int epochs = int.Parse(BenchArgs.Value(args, "--epochs") ?? "2", CultureInfo.InvariantCulture);
        int threads = int.Parse(BenchArgs.Value(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        string? trainSize = BenchArgs.Value(args, "--train-size");
        string folder = await new MnistSource().LocateAsync(BenchArgs.Value(args, "--data") ?? EpochBench.DefaultData());
        if (BenchArgs.Value(args, "--child") is { } child)
        {
            Child(child, folder, epochs, threads, trainSize is null ? null : int.Parse(trainSize, CultureInfo.InvariantCulture));
            return;
        }
        int rounds = int.Parse(BenchArgs.Value(args, "--rounds") ?? "2", CultureInfo.InvariantCulture);
        string[] engines = BenchArgs.Value(args, "--engines")?.Split(',') ?? AllEngines;
        if (engines.Except(AllEngines).FirstOrDefault() is { } unknown) throw new ArgumentException($"--engines: '{unknown}' is not one of {string.Join(", ", AllEngines)}");
        if (trainSize is not null && engines.Contains("pytorch")) throw new ArgumentException("--train-size is for native and torch only: the PyTorch peer trains on all 60,000 images");
        int cores = threads == 0 ? Environment.ProcessorCount : threads;
        Console.WriteLine($"torch-epoch benchmark: K&W 784-500-2 tanh, batch 100, {trainSize ?? "60,000"} images, {epochs} epoch(s) per run, " +
                          $"{rounds} round(s) of {string.Join(", ", engines)}, {cores} thread(s); load average now {Machine.LoadAverage()}");

        var runs = engines.ToDictionary(e => e, _ => new List<EngineRun>());
        for (int round = 1; round <= rounds; round++)
            foreach (var engine in engines)
            {
                var run = Start(engine, folder, epochs, cores, trainSize);
                runs[engine].Add(run);
                Console.WriteLine($"round {round} {engine,-8} s/epoch {string.Join(" ", run.Seconds.Select(s => s.ToString("F2", CultureInfo.InvariantCulture)))}" +
                                  $"   RSS after each epoch MB {string.Join(" ", run.ResidentMb.Select(m => m.ToString("F0", CultureInfo.InvariantCulture)))}   peak {run.PeakMb:F0} MB");
            }

        Console.WriteLine($"{"engine",-8} {"best s",8} {"median s",9} {"peak MB",8}   (over every epoch of every round; load average now {Machine.LoadAverage()})");
        foreach (var (engine, list) in runs)
        {
            var seconds = list.SelectMany(r => r.Seconds).Order().ToArray();
            Console.WriteLine($"{engine,-8} {seconds[0],8:F2} {seconds[seconds.Length / 2],9:F2} {list.Max(r => r.PeakMb),8:F0}");
        }
    }

    private sealed record EngineRun(double[] Seconds, double[] ResidentMb, double PeakMb);

    /// <summary>One engine's run in a process of its own; its output lines are "epoch N SECONDS RSS_MB", then "peak MB".</summary>
    private static EngineRun Start(string engine, string folder, int epochs, int threads, string? trainSize)
    {
        var (program, arguments) = engine == "pytorch"
            ? ("/usr/bin/python3", (string[])[BenchArgs.InRepository("bench", "peers", "torch_train.py"), folder, $"{epochs}", $"{threads}"])
            : (Environment.ProcessPath!, [.. SelfArguments(), "torch-epoch", "--child", engine, "--data", folder, "--epochs", $"{epochs}",
                "--threads", $"{threads}", .. trainSize is null ? Array.Empty<string>() : ["--train-size", trainSize]]);
        var lines = ChildRun.Of(program, arguments).Succeeded($"the {engine} run").Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var perEpoch = lines.Where(l => l.StartsWith("epoch ", StringComparison.Ordinal)).Select(l => l.Split(' ')).ToArray();
        return new EngineRun([.. perEpoch.Select(f => Number(f[2]))], [.. perEpoch.Select(f => Number(f[3]))],
            Number(lines.Single(l => l.StartsWith("peak ", StringComparison.Ordinal)).Split(' ')[1]));
    }

    /// <summary>What runs this benchmark again: nothing beside the apphost, the assembly after `dotnet` (dotnet VaePipeline.Bench.dll).</summary>
    private static string[] SelfArguments() =>
        Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? [typeof(TorchEpochBench).Assembly.Location] : [];

    private static void Child(string engine, string folder, int epochs, int threads, int? trainSize)
    {
        var train = MnistFiles.LoadTrain(folder);
        var test = MnistFiles.LoadTest(folder);
        var options = new TrainingOptions { Epochs = epochs, TrainSize = trainSize };
        using var backend = engine == "native" ? new CpuBackend(threads) : null;
        var factory = engine switch
        {
            "native" => NativeEngine.On(backend!),
#if TORCH_ENGINE
            "torch" => TorchEngine.On(TorchDevice.Open(TrainingDevice.Cpu, threads)),
#endif
            _ => throw new ArgumentException($"--child: '{engine}' is not native or torch"),
        };
        string directory = Directory.CreateTempSubdirectory("vae-bench-").FullName;
        try
        {
            using var trainer = new Trainer(new VaeConfig(), options, train, test, factory, directory);
            trainer.Run(new EpochLines());
            Console.WriteLine(FormattableString.Invariant($"peak {Status("VmHWM:") / 1000:F0}"));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private sealed class EpochLines : ITrainingObserver
    {
        public void Started(TrainingPlan plan) { }
        public void Stepped(StepMetrics step) { }
        public void Evaluated(EvaluationMetrics m) =>
            Console.WriteLine(FormattableString.Invariant($"epoch {m.Epoch:0} {m.IntervalTrainSeconds:F3} {Status("VmRSS:") / 1000:F0}"));
        public void Saved(string directory, long step) { }
    }

    /// <summary>A kB field of /proc/self/status: VmRSS (resident now) or VmHWM (the peak).</summary>
    private static double Status(string field) =>
        Number(File.ReadLines("/proc/self/status").First(l => l.StartsWith(field, StringComparison.Ordinal))[field.Length..].Trim().Split(' ')[0]);

    private static double Number(string text) => double.Parse(text, CultureInfo.InvariantCulture);
}
