namespace VaePipeline.Data;

/// <summary>
/// Finds the folder holding the four MNIST files, in this order: the folder the user named (--data DIR), the folder in
/// <c>VAE_MNIST_DIR</c>, then a per-user cache, downloading into the cache whatever it lacks.
/// A folder the user named is never second-guessed: when it lacks files that is an error, not a reason to look elsewhere,
/// because silently reading other data than the user pointed at is worse than stopping.
/// </summary>
public sealed class MnistSource
{
    public const string DirectoryVariable = "VAE_MNIST_DIR";
    public const string MirrorsVariable = "VAE_MNIST_MIRRORS";

    private readonly Func<string, string?> environment;
    private readonly MnistDownloader downloader;

    /// <param name="environment">Looks up environment variables; defaults to the process environment. Tests pass their own.</param>
    /// <param name="mirrors">Download mirrors; defaults to <c>VAE_MNIST_MIRRORS</c> (comma-separated base URLs), else <see cref="MnistDownloader.DefaultMirrors"/>.</param>
    /// <param name="progress">Told about download progress.</param>
    /// <exception cref="MnistDataException"><c>VAE_MNIST_MIRRORS</c> holds something other than http(s) URLs.</exception>
    public MnistSource(
        Func<string, string?>? environment = null,
        IReadOnlyList<Uri>? mirrors = null,
        IProgress<MnistDownloadProgress>? progress = null)
    {
        this.environment = environment ?? Environment.GetEnvironmentVariable;
        CacheDirectory = CacheDirectoryFor(this.environment);
        downloader = new MnistDownloader(mirrors ?? MirrorsFromEnvironment() ?? MnistDownloader.DefaultMirrors, progress);
    }

    /// <summary>Where downloads go: <c>$XDG_CACHE_HOME/vaepipeline/mnist</c>, else <c>~/.cache/vaepipeline/mnist</c>; on Windows under LocalApplicationData.</summary>
    public string CacheDirectory { get; }

    public IReadOnlyList<Uri> Mirrors => downloader.Mirrors;

    /// <summary>Returns the full path of a folder that holds all four files (each gzip-compressed or not).</summary>
    /// <param name="explicitDirectory">The folder the user named, or null.</param>
    /// <exception cref="MnistDataException">
    /// A named folder lacks files, or a download failed; the message says which files to put where.
    /// </exception>
    public async Task<string> LocateAsync(string? explicitDirectory, CancellationToken cancellationToken = default)
    {
        if (explicitDirectory is not null)
            return RequireComplete(explicitDirectory, "given with --data");

        string? fromEnvironment = environment(DirectoryVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
            return RequireComplete(fromEnvironment, $"from {DirectoryVariable}");

        var missing = MnistFiles.MissingFrom(CacheDirectory);
        if (missing.Count > 0)
            await DownloadIntoCacheAsync(missing, cancellationToken);
        return CacheDirectory;
    }

    private static string RequireComplete(string directory, string origin)
    {
        string fullPath = Path.GetFullPath(directory);
        if (!Directory.Exists(fullPath))
            throw new MnistDataException($"MNIST folder {fullPath} ({origin}) does not exist");
        var missing = MnistFiles.MissingFrom(fullPath);
        if (missing.Count > 0)
            throw new MnistDataException(
                $"MNIST folder {fullPath} ({origin}) lacks {string.Join(", ", missing.Select(f => f.GzName))} (gzip-compressed or not)");
        return fullPath;
    }

    private async Task DownloadIntoCacheAsync(IReadOnlyList<MnistFile> missing, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(CacheDirectory);
            // Stops at the first file no mirror could deliver: without it the data is unusable anyway,
            // and offline every further file would only wait for the same failures.
            foreach (var file in missing)
                await downloader.DownloadAsync(file, CacheDirectory, cancellationToken);
        }
        catch (Exception e) when (e is MnistDataException or IOException or UnauthorizedAccessException)
        {
            string nl = Environment.NewLine;
            throw new MnistDataException(
                $"MNIST is not in {CacheDirectory} and could not be downloaded: {e.Message}{nl}" +
                $"Put these four files (gzip-compressed or not) into {CacheDirectory}:{nl}" +
                string.Concat(MnistFiles.All.Select(f => $"  {f.GzName}{nl}")) +
                $"or keep them in any folder and pass --data DIR or set {DirectoryVariable}=DIR.",
                e);
        }
    }

    private IReadOnlyList<Uri>? MirrorsFromEnvironment()
    {
        string? list = environment(MirrorsVariable);
        if (string.IsNullOrWhiteSpace(list))
            return null;
        var mirrors = new List<Uri>();
        foreach (string item in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Uri.TryCreate(item, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                throw new MnistDataException($"{MirrorsVariable}: \"{item}\" is not an http or https URL");
            mirrors.Add(uri);
        }
        return mirrors.Count > 0 ? mirrors : throw new MnistDataException($"{MirrorsVariable} is set but lists no URL");
    }

    private static string CacheDirectoryFor(Func<string, string?> environment)
    {
        if (OperatingSystem.IsWindows())
            return Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "vaepipeline", "mnist");
        // The XDG base-directory spec says to ignore a relative XDG_CACHE_HOME.
        string? xdg = environment("XDG_CACHE_HOME");
        string cacheRoot = !string.IsNullOrEmpty(xdg) && Path.IsPathFullyQualified(xdg)
            ? xdg
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(cacheRoot, "vaepipeline", "mnist");
    }
}
