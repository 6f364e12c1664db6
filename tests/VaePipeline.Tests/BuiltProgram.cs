using System.Diagnostics;

namespace VaePipeline.Tests;

/// <summary>
/// Runs another program of the solution (built, not referenced, by the test project) as a child process: its dll
/// lies under its own project folder at the same bin/CONFIG/TFM/RID path as the tests'.
/// </summary>
public static class BuiltProgram
{
    public sealed record Result(int ExitCode, string Output, string Error);

    /// <param name="project">The program's project folder, relative to the repository root.</param>
    public static Result Run(string project, string assembly, params string[] args)
    {
        string testProject = Path.Combine(SharedData.RepositoryRoot, "tests", "VaePipeline.Tests");
        string output = Path.GetRelativePath(testProject, AppContext.BaseDirectory);
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(SharedData.RepositoryRoot, project, output, assembly + ".dll"));
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{assembly} did not finish in 3 minutes");
        }
        return new Result(process.ExitCode, stdout.Result, stderr);
    }
}
