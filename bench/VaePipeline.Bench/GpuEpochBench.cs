using System.Diagnostics;
using System.Globalization;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Gpu;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;

namespace VaePipeline.Bench;

/// <summary>
/// Seconds per epoch on a CUDA GPU for the native engine over <see cref="GpuBackend"/> and, in the same run, for
/// PyTorch CUDA (bench/peers/torch_train_cuda.py): the K&amp;W model at batch 100, then batch 1,000 and 10,000 and
/// hidden width 2,000, each with its GFLOP/s as a share of a cuBLAS SGEMM rate measured first in the same run. Without
/// a working CUDA GPU it says why and fails: the CPU accelerator is for correctness, never for timing.
/// </summary>
internal static class GpuEpochBench
{
    private static readonly (int Batch, int Hidden)[] Cases = [(100, 500), (1000, 500), (10000, 500), (100, 2000)];

    public static async Task<int> Run(string[] args)
    {
        int epochs = int.Parse(BenchArgs.Value(args, "--epochs") ?? "3", CultureInfo.InvariantCulture);
        string python = BenchArgs.Value(args, "--python") ?? "python3";
        string peer = BenchArgs.Value(args, "--peer") ?? BenchArgs.InRepository("bench", "peers", "torch_train_cuda.py");
        GpuBackend backend;
        try
        {
            backend = TrainingDevices.OpenCuda();
        }
        catch (TrainingDeviceException e)
        {
            Console.Error.WriteLine($"gpu-epoch times a CUDA GPU only, and there is none here: {e.Message}");
            return 1;
        }
        using (backend)
        {
            string folder = await new MnistSource().LocateAsync(BenchArgs.Value(args, "--data") ?? EpochBench.DefaultData());
            var train = MnistFiles.LoadTrain(folder);
            var test = MnistFiles.LoadTest(folder);
            double sgemm = SgemmRate(backend, 4096);
            Console.WriteLine($"gpu-epoch: {backend.Description}; cuBLAS SGEMM 4096³ {sgemm:F0} GFLOP/s; {epochs} epochs per case, best shown");
            var summary = new List<string>();
            bool peerFailed = false;
            foreach (var (batch, hidden) in Cases)
            {
                var config = new VaeConfig { Hidden = [hidden] };
                double flops = EpochBench.FlopsPerImage(new ParameterLayout(config)) * train.Count;
                Console.WriteLine($"-- batch {batch}, hidden {hidden}: {flops / 1e9:F1} GFLOP per epoch");
                var timer = new EpochBench.EpochTimer(flops);
                string directory = Directory.CreateTempSubdirectory("vae-gpu-bench-").FullName;
                try
                {
                    var options = new TrainingOptions { Epochs = epochs, BatchSize = batch };
                    using var trainer = new Trainer(config, options, train, test, NativeEngine.On(backend), directory);
                    trainer.Run(timer);
                }
                finally
                {
                    Directory.Delete(directory, recursive: true);
                }
                double? torch = Peer(python, peer, folder, batch, hidden, epochs);
                peerFailed |= torch is null;
                double ours = timer.Best, rate = flops / ours / 1e9;
                string peerPart = torch is { } t
                    ? $"PyTorch {t,7:F3} s/epoch ({flops / t / 1e9,7:F1} GFLOP/s)  native/PyTorch {ours / t:F2}"
                    : "PyTorch failed (above)";
                summary.Add($"batch {batch,6} hidden {hidden,5}: native {ours,7:F3} s/epoch ({rate,7:F1} GFLOP/s = {rate / sgemm,6:P1} of SGEMM)  {peerPart}");
            }
            Console.WriteLine("summary (best epoch of each; train steps only, the test ELBO pass excluded on both sides):");
            summary.ForEach(Console.WriteLine);
            return peerFailed ? 1 : 0;
        }
    }

    /// <summary>GFLOP/s of one n³ SGEMM on the backend, the best of five after a warm-up; a download waits for the device.</summary>
    private static double SgemmRate(IBackend backend, int n)
    {
        var a = backend.Allocate(n * n);
        var b = backend.Allocate(n * n);
        var c = backend.Allocate(n * n);
        var one = new float[1];
        double best = double.MaxValue;
        for (int i = 0; i < 6; i++)
        {
            var watch = Stopwatch.StartNew();
            backend.Gemm(false, false, n, n, n, 1f, a, b, 0f, c);
            backend.Download(c, one);
            if (i > 0) best = Math.Min(best, watch.Elapsed.TotalSeconds);
        }
        foreach (var s in new[] { a, b, c }) s.Memory.Dispose();
        return 2.0 * n * n * n / best / 1e9;
    }

    /// <summary>The PyTorch peer's best epoch in seconds, or null (its output shown) when it fails.</summary>
    private static double? Peer(string python, string script, string mnist, int batch, int hidden, int epochs)
    {
        try
        {
            var run = ChildRun.Of(python, [script, mnist, "--batch-size", $"{batch}", "--hidden", $"{hidden}", "--epochs", $"{epochs}"]);
            Console.Write(run.Output.Replace("\n", "\n  ").Insert(0, "  PyTorch: "));
            Console.WriteLine();
            var line = run.Output.Split('\n').FirstOrDefault(l => l.StartsWith("best_epoch_seconds ", StringComparison.Ordinal));
            if (run.ExitCode == 0 && line is not null) return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
            Console.WriteLine($"  PyTorch peer exited {run.ExitCode}: {run.Errors.Trim()}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.WriteLine($"  cannot run {python}: {e.Message}");
        }
        return null;
    }
}
