using System.IO.Compression;
using System.Security.Cryptography;
using VaePipeline.IO;
using static System.FormattableString;

namespace VaePipeline.Data;

/// <summary>
/// Downloads MNIST files from a list of mirrors, trying them in order. A download is verified by the SHA-256 of its
/// decompressed content before it is written, and written atomically, so an interrupted or corrupt download never
/// appears under the final name.
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

    /// <summary>Downloads are held in memory until verified; the largest MNIST file is under 10 MB, so more than this is not MNIST.</summary>
    private const int MaxDownloadBytes = 32 << 20;

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
        try
        {
            // Verified in memory, so nothing is written under the final name before it is known to be right.
            byte[] content = await FetchAsync(url, file.GzName, cancellationToken);
            if (DecompressedSha256(content) != file.Sha256)
                return "wrong content (the SHA-256 of the decompressed file does not match)";
            AtomicFile.Write(Path.Combine(directory, file.GzName), stream => stream.Write(content));
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
    }

    private async Task<byte[]> FetchAsync(Uri url, string name, CancellationToken cancellationToken)
    {
        using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stall.CancelAfter(StallTimeout);
        using var response = await Http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, stall.Token);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException(Invariant($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}"));

        long? total = response.Content.Headers.ContentLength;
        await using var body = await response.Content.ReadAsStreamAsync(stall.Token);
        using var content = new MemoryStream();
        var buffer = new byte[1 << 16];
        progress?.Report(new MnistDownloadProgress(name, 0, total));
        int read;
        while ((read = await body.ReadAsync(buffer, stall.Token)) > 0)
        {
            stall.CancelAfter(StallTimeout);
            content.Write(buffer, 0, read);
            if (content.Length > MaxDownloadBytes)
                throw new IOException(Invariant($"more than {MaxDownloadBytes >> 20} MB, larger than any MNIST file"));
            progress?.Report(new MnistDownloadProgress(name, content.Length, total));
        }
        return content.ToArray();
    }

    private static string DecompressedSha256(byte[] gzip)
    {
        using var content = new GZipStream(new MemoryStream(gzip), CompressionMode.Decompress);
        return Convert.ToHexStringLower(SHA256.HashData(content));
    }
}
