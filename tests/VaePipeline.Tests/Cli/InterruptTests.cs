using System.Diagnostics;
using System.Text.RegularExpressions;
using VaePipeline.Training.Checkpoints;

namespace VaePipeline.Tests.Cli;

public class InterruptTests
{
    /// <summary>
    /// Ctrl+C (SIGINT, sent with kill(1): this test is for Unix hosts such as CI) mid-run: a checkpoint at the
    /// current step, a message saying how to resume, exit code 130.
    /// </summary>
    [Fact]
    public async Task Sigint_writes_a_checkpoint_and_exits_cleanly()
    {
        using var dir = new TempDirectory();
        string run = dir.File("run");
        using var process = VaeProcess.Start("train", "--out", run, "--train-size", "1000", "--hidden", "32", "--steps", "10000000");
        var error = process.StandardError.ReadToEndAsync();
        string? line;
        while ((line = process.StandardOutput.ReadLine()) is not null && !line.StartsWith("training ")) { }
        Assert.True(line is not null, $"vae train ended before training started: {await error}");
        await Task.Delay(500); // some steps happen

        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString()])) await kill.WaitForExitAsync();
        string rest = await process.StandardOutput.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(130, process.ExitCode);
        var match = Regex.Match(rest, @"interrupted at step (\d+): checkpoint written to .*; continue with --resume");
        Assert.True(match.Success, rest + await error);
        long step = long.Parse(match.Groups[1].Value);
        Assert.True(step > 0);
        Assert.Equal(step, CheckpointStore.Load(run).Step);
    }
}
