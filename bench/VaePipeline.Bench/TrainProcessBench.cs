using System.Globalization;
using VaePipeline.Data;

namespace VaePipeline.Bench;

/// <summary>
/// Whole-process wall time of `vae train --epochs N` (start-up, loading MNIST, the epochs, the test ELBO, the checkpoint)
/// against the same work in PyTorch (bench/peers/torch_train.py with a checkpoint path), the two run in turn round after
/// round so that a change in the machine's load falls on both alike.
/// </summary>
internal static class TrainProcessBench
{
    public static async Task Run(string[] args)
    {
        int epochs = int.Parse(BenchArgs.Value(args, "--epochs") ?? "1", CultureInfo.InvariantCulture);
        int rounds = int.Parse(BenchArgs.Value(args, "--rounds") ?? "5", CultureInfo.InvariantCulture);
        int threads = int.Parse(BenchArgs.Value(args, "--threads") ?? "0", CultureInfo.InvariantCulture);
        int cores = threads == 0 ? Environment.ProcessorCount : threads;
        string vae = BenchArgs.Value(args, "--vae") ?? BenchArgs.InRepository("src", "Cli", "bin", "Release", "net10.0", "linux-x64", "vae");
        if (!File.Exists(vae)) throw new FileNotFoundException($"no vae executable at {vae}: build it (dotnet build -c Release) or name it with --vae");
        string folder = await new MnistSource().LocateAsync(BenchArgs.Value(args, "--data") ?? EpochBench.DefaultData());
        string peer = BenchArgs.InRepository("bench", "peers", "torch_train.py");
        Console.WriteLine($"train-process benchmark: vae train --epochs {epochs} against PyTorch ({peer}), {cores} thread(s), " +
                          $"{rounds} round(s); load average now {Machine.LoadAverage()}");

        string scratch = Directory.CreateTempSubdirectory("vae-train-process-").FullName;
        var ours = new List<double>();
        var theirs = new List<double>();
        try
        {
            for (int round = 1; round <= rounds; round++)
            {
                ours.Add(Time(vae, ["train", "--epochs", $"{epochs}", "--threads", $"{cores}", "--device", "cpu", "--data", folder,
                    "-o", Path.Combine(scratch, "run"), "--force"]));
                theirs.Add(Time("/usr/bin/python3", [peer, folder, $"{epochs}", $"{cores}", Path.Combine(scratch, "torch.pt")]));
                Console.WriteLine(FormattableString.Invariant($"round {round}  vae {ours[^1],6:F2} s   PyTorch {theirs[^1],6:F2} s   ratio {ours[^1] / theirs[^1]:F2}"));
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }

        double Median(List<double> v) => v.Order().ElementAt(v.Count / 2);
        Console.WriteLine(FormattableString.Invariant(
            $"best   vae {ours.Min(),6:F2} s   PyTorch {theirs.Min(),6:F2} s   ratio {ours.Min() / theirs.Min():F2}"));
        Console.WriteLine(FormattableString.Invariant(
            $"median vae {Median(ours),6:F2} s   PyTorch {Median(theirs),6:F2} s   ratio {Median(ours) / Median(theirs):F2}   (load average now {Machine.LoadAverage()})"));
    }

    /// <summary>Seconds from start to exit of one process; its output is dropped, a failure is fatal.</summary>
    private static double Time(string program, string[] arguments) =>
        ChildRun.Of(program, arguments).Succeeded($"{Path.GetFileName(program)} {string.Join(' ', arguments)}").Seconds;
}
