using VaePipeline.Data;

namespace VaePipeline.Tests.Data;

/// <summary>Downloads from mirrors served on 127.0.0.1 by the test itself.</summary>
public sealed class MnistDownloaderTests : IAsyncDisposable
{
    private readonly MnistMirrors mirrors = new();
    private readonly TempDirectory cacheHome = new();

    public async ValueTask DisposeAsync()
    {
        await mirrors.DisposeAsync();
        cacheHome.Dispose();
    }

    private string CacheDir => Path.Combine(cacheHome.Path, "vaepipeline", "mnist");

    [Fact]
    public async Task FillsTheCacheFromTheMirrorsInTheEnvironment()
    {
        var progress = new RecordingProgress<MnistDownloadProgress>(report => report);
        var source = new MnistSource(Variables(mirrors: $"{mirrors.Missing}, {mirrors.Good}"), progress: progress);

        string dir = await source.LocateAsync(explicitDirectory: null);

        Assert.Equal(CacheDir, dir);
        Assert.Equal(MnistFiles.All.Select(f => f.GzName).Order(), Directory.GetFiles(dir).Select(Path.GetFileName).Order());
        foreach (var file in MnistFiles.All)
        {
            long size = MnistMirrors.Original(file.GzName).Length;
            Assert.Equal(size, new FileInfo(Path.Combine(dir, file.GzName)).Length);
            Assert.Equal(new MnistDownloadProgress(file.GzName, size, size), progress.Reports.Last(r => r.FileName == file.GzName));
        }
        Assert.Equal(10_000, MnistFiles.LoadTest(dir).Count);
    }

    [Fact]
    public async Task DownloadsOnlyWhatTheCacheLacks()
    {
        Directory.CreateDirectory(CacheDir);
        foreach (var file in MnistFiles.All.Where(f => f != MnistFiles.TestLabels))
            File.Copy(Path.Combine(SharedData.MnistDir, file.GzName), Path.Combine(CacheDir, file.GzName));

        await new MnistSource(Variables(mirrors: mirrors.Good.ToString())).LocateAsync(explicitDirectory: null);

        Assert.Equal(["/good/t10k-labels-idx1-ubyte.gz"], mirrors.Requests);
        Assert.True(File.Exists(Path.Combine(CacheDir, MnistFiles.TestLabels.GzName)));
    }

    [Fact]
    public async Task SkipsMirrorsThatFailOrServeCorruptFiles()
    {
        using var dir = new TempDirectory();
        var downloader = new MnistDownloader([mirrors.Missing, mirrors.BrokenGzip, mirrors.WrongContent, mirrors.Good]);

        await downloader.DownloadAsync(MnistFiles.TestImages, dir.Path);

        string name = MnistFiles.TestImages.GzName;
        Assert.Equal(new[] { "missing", "broken-gzip", "wrong-content", "good" }.Select(m => $"/{m}/{name}"), mirrors.Requests);
        Assert.Equal(MnistMirrors.Original(name), File.ReadAllBytes(dir.File(name)));
        Assert.Equal([dir.File(name)], Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task CorruptDownloadsNeverReachTheFinalName()
    {
        using var dir = new TempDirectory();
        string final = dir.File(MnistFiles.TestLabels.GzName);
        var finalNameSeen = new RecordingProgress<bool>(_ => File.Exists(final));
        var downloader = new MnistDownloader([mirrors.BrokenGzip, mirrors.WrongContent], finalNameSeen);

        var error = await Assert.ThrowsAsync<MnistDataException>(() => downloader.DownloadAsync(MnistFiles.TestLabels, dir.Path));

        Assert.NotEmpty(finalNameSeen.Reports);
        Assert.DoesNotContain(true, finalNameSeen.Reports);
        Assert.Contains($"no mirror delivered {MnistFiles.TestLabels.GzName}", error.Message);
        Assert.Contains($"{mirrors.BrokenGzip}{MnistFiles.TestLabels.GzName}: ", error.Message);
        Assert.Contains($"{mirrors.WrongContent}{MnistFiles.TestLabels.GzName}: wrong content", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public async Task WhenEveryMirrorFailsTheErrorSaysWhatToPutWhere()
    {
        var unreachable = LocalHttpServer.Unreachable();
        var source = new MnistSource(Variables(mirrors: $"{mirrors.Missing},{unreachable}"));

        var error = await Assert.ThrowsAsync<MnistDataException>(() => source.LocateAsync(explicitDirectory: null));

        Assert.Contains($"into {CacheDir}", error.Message);
        Assert.All(MnistFiles.All, f => Assert.Contains(f.GzName, error.Message));
        Assert.Contains("--data DIR", error.Message);
        Assert.Contains("VAE_MNIST_DIR", error.Message);
        Assert.Contains($"{mirrors.Missing}{MnistFiles.TrainImages.GzName}: HTTP 404", error.Message);
        Assert.Contains($"{unreachable}{MnistFiles.TrainImages.GzName}: ", error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(CacheDir));
    }

    [Fact]
    public void MirrorsGivenInCodeBeatTheEnvironment()
    {
        var source = new MnistSource(Variables(mirrors: mirrors.Missing.ToString()), mirrors: [mirrors.Good]);
        Assert.Equal([mirrors.Good], source.Mirrors);
    }

    [Fact]
    public void MirrorsDefaultToThePublicOnes() =>
        Assert.Equal(MnistDownloader.DefaultMirrors, new MnistSource(Variables(mirrors: null)).Mirrors);

    [Fact]
    public void MirrorsGetATrailingSlash() =>
        Assert.Equal([new Uri("http://127.0.0.1/a/b/")], new MnistDownloader([new Uri("http://127.0.0.1/a/b")]).Mirrors);

    [Theory]
    [InlineData("ftp://example.org/mnist/")]
    [InlineData("not a url")]
    [InlineData(" , ")]
    public void RejectsMirrorListsThatAreNotHttpUrls(string list)
    {
        var error = Assert.Throws<MnistDataException>(() => new MnistSource(Variables(mirrors: list)));
        Assert.Contains("VAE_MNIST_MIRRORS", error.Message);
    }

    private Func<string, string?> Variables(string? mirrors)
    {
        var variables = new Dictionary<string, string?> { ["XDG_CACHE_HOME"] = cacheHome.Path, ["VAE_MNIST_MIRRORS"] = mirrors };
        return name => variables.GetValueOrDefault(name);
    }

    /// <summary>
    /// Records something about each report as it happens (synchronously, unlike <see cref="Progress{T}"/>,
    /// which posts reports to the thread pool).
    /// </summary>
    private sealed class RecordingProgress<T>(Func<MnistDownloadProgress, T> record) : IProgress<MnistDownloadProgress>
    {
        private readonly List<T> reports = [];

        public IReadOnlyList<T> Reports
        {
            get { lock (reports) return reports.ToList(); }
        }

        public void Report(MnistDownloadProgress value)
        {
            T recorded = record(value);
            lock (reports) reports.Add(recorded);
        }
    }
}
