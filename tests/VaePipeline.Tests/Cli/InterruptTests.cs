using System.Diagnostics;
using System.Text.RegularExpressions;
using VaePipeline.Training.Checkpoints;

namespace VaePipeline.Tests.Cli;

public class InterruptTests
{
    /// <summary>
    /// Ctrl+C (SIGINT) or SIGTERM mid-run: a checkpoint at the current step, a message saying how to resume, exit code 130.
    /// Signals are sent with kill(1), so this test is for Unix hosts such as CI.
    /// </summary>
    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void A_signal_writes_a_checkpoint_and_exits_cleanly(string signal)
    {
        using var dir = new TempDirectory();
        string run = dir.File("run");
        // A process started in the background of a non-interactive shell inherits SIGINT as ignored, and the test
        // host may be such a process; the runtime keeps an inherited "ignore". Restore the default before exec, as a
        // terminal would have it.
        using var process = VaeProcess.Start(
            ["train", "--out", run, "--train-size", "1000", "--hidden", "32", "--steps", "10000000", "--eval-every", "10000000"],
            launcher: ["python3", "-c", "import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); os.execvp(sys.argv[1], sys.argv[1:])"]);
        try
        {
            var error = new StringWriter();
            var errorReader = new Thread(() => error.Write(process.StandardError.ReadToEnd()));
            errorReader.Start();
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("training ")) { }
            Assert.True(line is not null, "vae train ended before training started");
            Thread.Sleep(500); // some steps happen

            using (var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()])!) kill.WaitForExit();
            // Wait first: a child that ignored the signal must fail the test, not hang it. With no per-epoch lines the
            // one line still to come fits the pipe, so the child never blocks on a full pipe meanwhile.
            Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), "vae did not exit after the signal");
            string rest = process.StandardOutput.ReadToEnd();
            errorReader.Join();
            Assert.Equal(130, process.ExitCode);
            var match = Regex.Match(rest, @"interrupted at step (\d+): checkpoint written to .*; continue with --resume");
            Assert.True(match.Success, rest + error);
            long step = long.Parse(match.Groups[1].Value);
            Assert.True(step > 0);
            Assert.Equal(step, CheckpointStore.Load(run).Step);
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
        }
    }

    /// <summary>
    /// Before training starts nothing checks for a stop request, so SIGTERM must keep its default action and end the
    /// process, here while it waits on a mirror that accepts the connection and never answers.
    /// </summary>
    [Fact]
    public async Task Sigterm_before_training_ends_the_process()
    {
        using var dir = new TempDirectory();
        var mirror = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        mirror.Start();
        try
        {
            int port = ((System.Net.IPEndPoint)mirror.LocalEndpoint).Port;
            using var process = VaeProcess.Start(["train", "--out", dir.File("run")], environment: new Dictionary<string, string?>
            {
                ["VAE_MNIST_DIR"] = null, ["XDG_CACHE_HOME"] = dir.File("cache"), ["VAE_MNIST_MIRRORS"] = $"http://127.0.0.1:{port}/",
            });
            var error = process.StandardError.ReadToEndAsync();
            using var connection = await mirror.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(60)); // the download is waiting now
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])!) await kill.WaitForExitAsync();
            bool exited = await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(20)).Token).ContinueWith(t => t.IsCompletedSuccessfully);
            if (!exited) process.Kill(entireProcessTree: true);
            Assert.True(exited, "vae did not exit after SIGTERM");
            Assert.Equal(128 + 15, process.ExitCode);
            Assert.DoesNotContain("Unhandled exception", await error);
        }
        finally
        {
            mirror.Stop();
        }
    }
}
