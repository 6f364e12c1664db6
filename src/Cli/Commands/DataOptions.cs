using System.CommandLine;
using VaePipeline.Data;

namespace VaePipeline.Cli.Commands;

/// <summary>--data, shared by every command that reads MNIST, and the loading with download progress.</summary>
internal static class DataOptions
{
    public static Option<string?> Data() => new("--data")
    {
        Description = $"Folder with the four MNIST idx files (.gz or raw). Default: ${MnistSource.DirectoryVariable}, " +
                      "else a per-user cache, downloading into it when empty.",
        HelpName = "DIR",
    };

    public static async Task<(MnistSplit Train, MnistSplit Test)> Load(string? directory, CancellationToken cancellation)
    {
        // Drawn only on a terminal: a redirected log would get one line per chunk.
        var progress = Console.IsErrorRedirected ? null : new Progress<MnistDownloadProgress>(p => Console.Error.Write(
            $"\rdownloading {p.FileName}: {p.BytesReceived / 1e6:F1}{(p.TotalBytes is { } total ? $" / {total / 1e6:F1}" : "")} MB".PadRight(72)));
        var source = new MnistSource(progress: progress);
        string folder = await source.LocateAsync(directory, cancellation);
        return (MnistFiles.LoadTrain(folder), MnistFiles.LoadTest(folder));
    }
}
