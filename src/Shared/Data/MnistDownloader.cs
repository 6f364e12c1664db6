using System.IO.Compression;
using System.Security.Cryptography;
using static System.FormattableString;

namespace VaePipeline.Data;

/// <summary>
/// Downloads MNIST files from a list of mirrors, trying them in order. A file is written under a temporary name,
/// verified by the SHA-256 of its decompressed content, and only then renamed to its final name, so an interrupted
/// or corrupt download never looks like a good file.
/// </summary>
public sealed class MnistDownloader
{
    public static readonly IReadOnlyList<Uri> DefaultMirrors =
    [
        new("https://ossci-datasets.s3.amazonaws.com/mnist/"),
        new("https://storage.googleapis.com/cvdf-datasets/mnist/"),
        new("http://yann.lecun.com/exdb/mnist/"), // The original site; plain http is fine since the content is checksummed.
    ];

    /// <summary>
    /// A mirror that sends nothing for this long is abandoned. A limit on silence rather than on the whole request,
    /// so that a slow but steady connection still finishes the 10 MB file.
    /// </summary>
    private static readonly TimeSpan StallTimeout = TimeSpan.FromSeconds(30);

    // HttpClient is meant to be shared for the life of the process; its own timeout is replaced by StallTimeout.
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan };

    private readonly IProgress<MnistDownloadProgress>? progress;

    /// <param name="mirrors">Base URLs (http or https) tried in order; each file is fetched as base + "name.gz".</param>
    /// <param name="progress">Told about every chunk received.</param>
    public MnistDownloader(IReadOnlyList<Uri> mirrors, IProgress<MnistDownloadProgress>? progress = null)
    {
        if (mirrors.Count == 0)
            throw new ArgumentException("at least one mirror is needed", nameof(mirrors));
        // Without the trailing slash, resolving "name.gz" against ".../mnist" would replace the last segment.
        Mirrors = mirrors.Select(m => m.AbsoluteUri.EndsWith('/') ? m : new Uri(m.AbsoluteUri + "/")).ToList();
        this.progress = progress;
    }

    public IReadOnlyList<Uri> Mirrors { get; }

    /// <summary>Downloads <paramref name="file"/> as <see cref="MnistFile.GzName"/> into <paramref name="directory"/>, which must exist.</summary>
    /// <exception cref="MnistDataException">No mirror delivered the right content; the message lists each mirror's failure.</exception>
    public async Task DownloadAsync(MnistFile file, string directory, CancellationToken cancellationToken = default)
    {
        var failures = new List<string>();
        foreach (var mirror in Mirrors)
        {
            var url = new Uri(mirror, file.GzName);
            string? failure = await TryDownloadAsync(url, file, directory, cancellationToken);
            if (failure is null)
                return;
            failures.Add($"  {url}: {failure}");
        }
        throw new MnistDataException(
            $"no mirror delivered {file.GzName}:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
    }

    /// <summary>One attempt from one mirror; returns null on success, else a short reason.</summary>
    private async Task<string?> TryDownloadAsync(Uri url, MnistFile file, string directory, CancellationToken cancellationToken)
    {
        // A unique temporary name, so that two processes filling the same cache do not write into one file.
        string temporary = Path.Combine(directory, $"{file.GzName}.{Path.GetRandomFileName()}.part");
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(StallTimeout);
        try
        {
            await FetchAsync(url, file.GzName, temporary, stall, cancellationToken);
            if (DecompressedSha256(temporary) != file.Sha256)
                return "wrong content (the SHA-256 of the decompressed file does not match)";
            File.Move(temporary, Path.Combine(directory, file.GzName), overwrite: true);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Invariant($"no data for {StallTimeout.TotalSeconds} s");
        }
        catch (InvalidDataException e)
        {
            return $"not a valid gzip file ({e.Message})";
        }
        catch (Exception e) when (e is HttpRequestException or IOException or UnauthorizedAccessException)
        {
            return e.Message;
        }
        finally
        {
            File.Delete(temporary); // Nothing to do after a successful rename.
        }
    }

    private async Task FetchAsync(Uri url, string name, string temporary, CancellationTokenSource stall, CancellationToken cancellationToken)
    {
        using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stall.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(Invariant($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));

        long? total = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
        await using var output = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true);
        var buffer = new byte[1 << 16];
        long received = 0;
        progress?.Report(new MnistDownloadProgress(name, received, total));
        int read;
        while ((read = await body.ReadAsync(buffer, stall.Token)) > 0)
        {
            stall.CancelAfter(StallTimeout);
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            received += read;
            progress?.Report(new MnistDownloadProgress(name, received, total));
        }
        // On disk before the rename: otherwise a crash soon after could leave an empty file under the final name.
        output.Flush(flushToDisk: true);
    }

    private static string DecompressedSha256(string gzipPath)
    {
        using var file = File.OpenRead(gzipPath);
        using var content = new GZipStream(file, CompressionMode.Decompress);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }
}
