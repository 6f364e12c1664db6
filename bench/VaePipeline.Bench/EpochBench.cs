using System.Diagnostics;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Bench;

/// <summary>
/// Seconds per training epoch of a VAE (default: the K&amp;W model, 784-500-2 tanh, batch 100, all 60,000 images, Adam),
/// achieved GFLOP/s, and the process's peak resident memory. Epoch time counts optimizer steps only; the per-epoch
/// test ELBO pass is reported separately.
/// </summary>
internal static class EpochBench
{
    public static async Task Run(string[] args)
    {
        string? data = BenchArgs.Value(args, "--data");
        int epochs = int.Parse(BenchArgs.Value(args, "--epochs") ?? "3");
        int threads = int.Parse(BenchArgs.Value(args, "--threads") ?? "0");
        int batch = int.Parse(BenchArgs.Value(args, "--batch-size") ?? "100");
        int[] hidden = (BenchArgs.Value(args, "--hidden") ?? "500").Split(',').Select(int.Parse).ToArray();
        bool breakdown = args.Contains("--breakdown");
        var config = new VaeConfig { Hidden = hidden };

        string folder = await new MnistSource().LocateAsync(data ?? DefaultData());
        var train = MnistFiles.LoadTrain(folder);
        var test = MnistFiles.LoadTest(folder);
        var options = new TrainingOptions { Epochs = epochs, BatchSize = batch };
        double flopsPerEpoch = FlopsPerImage(new ParameterLayout(config)) * train.Count;

        string directory = Directory.CreateTempSubdirectory("vae-bench-").FullName;
        try
        {
            using var backend = new CpuBackend(threads);
            var timed = breakdown ? new TimedBackend(backend) : null;
            using var trainer = new Trainer(config, options, train, test, NativeEngine.On(timed ?? (IBackend)backend), directory);
            Console.WriteLine($"epoch benchmark: {string.Join('-', config.EncoderWidths()[..^1])}-{config.Latent} {config.Activation}, " +
                              $"batch {batch}, {train.Count:N0} images, {flopsPerEpoch / 1e9:F1} GFLOP per epoch; {backend.Description}");
            var observer = new EpochTimer(flopsPerEpoch, timed, fmaThreads: backend.Threads);
            trainer.Run(observer);
            long peakMemory = Process.GetCurrentProcess().PeakWorkingSet64;
            // Against the fastest the FMA-only loop ran at any point of the run: on a shared host its rate moves by a
            // third between moments, and the share against one low reading would flatter the epoch.
            double achieved = flopsPerEpoch / observer.Best / 1e9;
            Console.WriteLine($"best epoch {observer.Best:F3} s ({achieved:F1} GFLOP/s = {achieved / observer.FmaHighest:P0} of the " +
                              $"{observer.FmaHighest:F0} GFLOP/s a {FmaPeak.Width} FMA-only loop reached on {backend.Threads} " +
                              $"thread{(backend.Threads == 1 ? "" : "s")} at its fastest in this run, {observer.FmaLowest:F0}–{observer.FmaHighest:F0} " +
                              $"after the epochs); peak resident memory {peakMemory / 1e6:F0} MB");
            if (hidden.Length == 1 && config.Latent == 2)
                PrintProductsCeiling(batch, hidden[0], backend.Threads, observer.FmaHighest);
            if (timed is not null) PrintBreakdown(timed, epochs, observer.Mean);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Multiply–adds ×2 per image for one step: every layer's forward product and weight gradient, and every
    /// input gradient except the first encoder layer's (nothing needs d loss/dx).
    /// </summary>
    public static double FlopsPerImage(ParameterLayout layout)
    {
        var layers = layout.Encoder.Concat(layout.Decoder).ToArray();
        double macs = layers.Sum(l => 2.0 * l.In * l.Out) + layers.Skip(1).Sum(l => (double)l.In * l.Out);
        return 2 * macs;
    }

    /// <summary>
    /// The five large products alone, called in turn as a step calls them, against the same FMA-only reading: they are
    /// 99 % of an epoch's flops, so their own share is about the most an epoch's can reach with every other kernel of
    /// the step (Adam, the element-wise work, the latent layer, the batch) taking no time at all.
    /// </summary>
    private static void PrintProductsCeiling(int batch, int hidden, int threads, double fmaRate)
    {
        var (seconds, flops) = GemmBench.CoreInTurn(batch, hidden, threads);
        double rate = flops / seconds / 1e9;
        Console.WriteLine($"the five large products alone, in turn: {seconds * 1e3:F3} ms a step, {rate:F1} GFLOP/s = {rate / fmaRate:P0} " +
                          $"of that loop (about the most an epoch could reach with the rest of the step free)");
    }

    /// <summary>Seconds per epoch in each kind of kernel call, and what the steps spent outside the backend.</summary>
    private static void PrintBreakdown(TimedBackend timed, int epochs, double trainSecondsPerEpoch)
    {
        Console.WriteLine($"per epoch, mean of {epochs}, optimizer steps only:");
        double inKernels = 0;
        Console.WriteLine($"  {"kind",-36} {"s",8}   {"calls",7}       {"µs/call",9} {"median",7}");
        foreach (var (kind, seconds, calls, median) in timed.Totals())
        {
            inKernels += seconds / epochs;
            Console.WriteLine($"  {kind,-36} {seconds / epochs,8:F3} s {calls / epochs,7} calls {seconds / calls * 1e6,9:F1} µs {median * 1e6,7:F1} µs");
        }
        Console.WriteLine($"  {"steps outside the backend",-36} {trainSecondsPerEpoch - inKernels,8:F3} s");
    }

    internal static string? DefaultData()
    {
        // Inside the repository, ../shared/data/mnist is where the project's data lives; elsewhere fall back to MnistSource's order.
        string shared = BenchArgs.InRepository("..", "shared", "data", "mnist");
        return Environment.GetEnvironmentVariable(MnistSource.DirectoryVariable) is null && Directory.Exists(shared) ? shared : null;
    }

    /// <summary>
    /// Prints a line per epoch (train seconds, GFLOP/s, the rest, test ELBO) and keeps the best epoch's seconds; pauses
    /// <paramref name="timed"/>'s counts from an epoch's last step to its evaluation's end. With
    /// <paramref name="fmaThreads"/>, it also runs the FMA-only loop after each epoch (outside every timed column) and
    /// prints the epoch's share of what the cores gave right then.
    /// </summary>
    internal sealed class EpochTimer(double flopsPerEpoch, TimedBackend? timed = null, int fmaThreads = 0) : ITrainingObserver
    {
        private double _elapsedBefore;
        private int _stepsPerEpoch;

        private double _total;
        private int _epochs;

        public double Best { get; private set; } = double.MaxValue;

        public double Mean => _total / _epochs;

        /// <summary>The FMA-only loop's fastest and slowest rate after an epoch, GFLOP/s (with fmaThreads).</summary>
        public double FmaHighest { get; private set; }

        public double FmaLowest { get; private set; } = double.MaxValue;

        public void Started(TrainingPlan plan)
        {
            _stepsPerEpoch = plan.StepsPerEpoch;
            Console.WriteLine($"{"epoch",5} {"train s",8} {"GFLOP/s",8} {"eval s",7} {"test ELBO",10}" + (fmaThreads > 0 ? $" {"FMA-only",8} {"share",6}" : ""));
        }

        public void Stepped(StepMetrics step)
        {
            if (timed is not null && (step.Step + 1) % _stepsPerEpoch == 0) timed.Paused = true; // Step counts from 0
        }

        public void Evaluated(EvaluationMetrics m)
        {
            if (timed is not null) timed.Paused = false;
            double seconds = m.IntervalTrainSeconds;
            double other = m.ElapsedSeconds - _elapsedBefore - seconds; // test ELBO, checkpoint, metrics row
            _elapsedBefore = m.ElapsedSeconds;
            Best = Math.Min(Best, seconds);
            _total += seconds;
            _epochs++;
            double rate = flopsPerEpoch / seconds / 1e9;
            string line = $"{m.Epoch,5:0} {seconds,8:F3} {rate,8:F1} {other,7:F2} {m.Test.Elbo,10:F2}";
            if (fmaThreads > 0)
            {
                long start = Stopwatch.GetTimestamp();
                double fma = FmaPeak.Measure(fmaThreads);
                _elapsedBefore += Stopwatch.GetElapsedTime(start).TotalSeconds; // not the next epoch's "eval s"
                (FmaHighest, FmaLowest) = (Math.Max(FmaHighest, fma), Math.Min(FmaLowest, fma));
                line += $" {fma,8:F0} {rate / fma,6:P0}";
            }
            Console.WriteLine(line);
        }

        public void Saved(string directory, long step) { }
    }
}
