using VaePipeline.Data;

namespace VaePipeline.Tests.Data;

/// <summary>
/// Where the MNIST files are looked for. The folders hold empty placeholder files: locating only checks presence.
/// The environment is passed in, so these tests neither read nor change the process environment.
/// </summary>
public sealed class MnistSourceTests : IDisposable
{
    private readonly TempDirectory explicitDir = new();
    private readonly TempDirectory environmentDir = new();
    private readonly TempDirectory cacheHome = new();

    public MnistSourceTests()
    {
        foreach (string dir in new[] { explicitDir.Path, environmentDir.Path, CacheDir })
            Fill(dir, MnistFiles.All);
    }

    public void Dispose()
    {
        explicitDir.Dispose();
        environmentDir.Dispose();
        cacheHome.Dispose();
    }

    private string CacheDir => Path.Combine(cacheHome.Path, "vaepipeline", "mnist");

    [Fact]
    public async Task ExplicitFolderComesFirst() =>
        Assert.Equal(explicitDir.Path, await Source(withEnvironmentDir: true).LocateAsync(explicitDir.Path));

    [Fact]
    public async Task EnvironmentFolderComesNext() =>
        Assert.Equal(environmentDir.Path, await Source(withEnvironmentDir: true).LocateAsync(explicitDirectory: null));

    [Fact]
    public async Task CacheComesLast() =>
        Assert.Equal(CacheDir, await Source(withEnvironmentDir: false).LocateAsync(explicitDirectory: null));

    [Fact]
    public async Task ExplicitFolderLackingFilesIsAnErrorNotAFallback()
    {
        using var incomplete = new TempDirectory();
        Fill(incomplete.Path, [MnistFiles.TrainImages, MnistFiles.TestImages]);

        var error = await Assert.ThrowsAsync<MnistDataException>(() => Source(withEnvironmentDir: true).LocateAsync(incomplete.Path));

        Assert.Contains($"{incomplete.Path} (given with --data) lacks", error.Message);
        Assert.Contains($"{MnistFiles.TrainLabels.GzName}, {MnistFiles.TestLabels.GzName}", error.Message);
        Assert.DoesNotContain(MnistFiles.TrainImages.GzName, error.Message);
    }

    [Fact]
    public async Task ExplicitFolderThatDoesNotExistIsAnError()
    {
        string nowhere = explicitDir.File("nowhere");
        var error = await Assert.ThrowsAsync<MnistDataException>(() => Source(withEnvironmentDir: false).LocateAsync(nowhere));
        Assert.Contains($"{nowhere} (given with --data) does not exist", error.Message);
    }

    [Fact]
    public async Task EnvironmentFolderLackingFilesIsAnErrorNotAFallback()
    {
        File.Delete(Path.Combine(environmentDir.Path, MnistFiles.TestLabels.GzName));
        var error = await Assert.ThrowsAsync<MnistDataException>(() => Source(withEnvironmentDir: true).LocateAsync(explicitDirectory: null));
        Assert.Contains($"{environmentDir.Path} (from VAE_MNIST_DIR) lacks {MnistFiles.TestLabels.GzName}", error.Message);
    }

    [Fact]
    public async Task DecompressedFilesCountAsPresent()
    {
        using var raw = new TempDirectory();
        foreach (var file in MnistFiles.All)
            File.WriteAllBytes(raw.File(file.Name), []);
        Assert.Equal(raw.Path, await Source(withEnvironmentDir: false).LocateAsync(raw.Path));
    }

    [Fact]
    public void CacheFollowsXdgCacheHome() =>
        Assert.Equal(CacheDir, Source(withEnvironmentDir: false).CacheDirectory);

    [Fact]
    public void RelativeXdgCacheHomeIsIgnored()
    {
        // The XDG base-directory spec makes a relative XDG_CACHE_HOME invalid; ~/.cache is used instead.
        var source = new MnistSource(name => name == "XDG_CACHE_HOME" ? "relative/cache" : null);
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        Assert.Equal(Path.Combine(home, ".cache", "vaepipeline", "mnist"), source.CacheDirectory);
    }

    /// <summary>A source whose downloads could only fail, so a test that reached the network would notice.</summary>
    private MnistSource Source(bool withEnvironmentDir)
    {
        var variables = new Dictionary<string, string?>
        {
            ["XDG_CACHE_HOME"] = cacheHome.Path,
            [MnistSource.DirectoryVariable] = withEnvironmentDir ? environmentDir.Path : null,
        };
        return new MnistSource(name => variables.GetValueOrDefault(name), mirrors: [LocalHttpServer.Unreachable()]);
    }

    private static void Fill(string dir, IEnumerable<MnistFile> files)
    {
        Directory.CreateDirectory(dir);
        foreach (var file in files)
            File.WriteAllBytes(Path.Combine(dir, file.GzName), []);
    }
}
