using System.Diagnostics;

namespace VaePipeline.Bench;

/// <summary>
/// One run of a process a benchmark starts (a PyTorch peer, <c>vae</c>, or this benchmark again for an engine of its
/// own): what it printed on each stream, its exit code and its wall time from start to exit.
/// </summary>
internal sealed record ChildRun(int ExitCode, string Output, string Errors, double Seconds)
{
    /// <summary>Runs <paramref name="program"/> to its exit.</summary>
    /// <exception cref="System.ComponentModel.Win32Exception">The program cannot be started (not found, not executable).</exception>
    public static ChildRun Of(string program, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(program, arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        // Both streams drained at once, or a child that fills the one not being read would block.
        var errors = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ChildRun(process.ExitCode, output, errors.Result, clock.Elapsed.TotalSeconds);
    }

    /// <summary>This run, or, if it failed, an exception naming <paramref name="what"/> ran, its exit code and its errors.</summary>
    public ChildRun Succeeded(string what) =>
        ExitCode == 0 ? this : throw new InvalidOperationException($"{what} exited with {ExitCode}: {Errors.Trim()}");
}
