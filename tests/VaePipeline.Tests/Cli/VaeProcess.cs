using System.Diagnostics;

namespace VaePipeline.Tests.Cli;

/// <summary>Runs the real `vae` program (built beside the tests) as a child process, as a user would.</summary>
public static class VaeProcess
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        using var process = Start(args);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"vae {string.Join(' ', args)} did not finish in 3 minutes");
        }
        return new Result(process.ExitCode, output.Result, error.Result);
    }

    /// <summary>Starts `vae` with redirected output and returns at once; <paramref name="launcher"/> is a command line to run it through.</summary>
    /// <param name="environment">Variables to set over the test defaults; a null value removes one.</param>
    public static Process Start(string[] args, string[]? launcher = null, IReadOnlyDictionary<string, string?>? environment = null)
    {
        string[] command = [.. launcher ?? [], "dotnet", Path.Combine(AppContext.BaseDirectory, "vae.dll")];
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var part in command[1..]) start.ArgumentList.Add(part);
        foreach (var a in args) start.ArgumentList.Add(a);
        // Never reach for the network or a user's cache from a test: the data comes from ../shared.
        start.Environment["VAE_MNIST_DIR"] = SharedData.MnistDir;
        start.Environment["VAE_MNIST_MIRRORS"] = "http://127.0.0.1:9/";
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>()) start.Environment[name] = value;
        return Process.Start(start)!;
    }
}
