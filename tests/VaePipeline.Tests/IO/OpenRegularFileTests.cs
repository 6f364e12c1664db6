using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

/// <summary>The one open for files whose contents are read (images, idx files): regular files only, never blocking.</summary>
public sealed class OpenRegularFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void ARegularFileOpensWithItsLengthThroughALink()
    {
        string path = _dir.File("digit.png");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);
        File.CreateSymbolicLink(_dir.File("link.png"), path);

        using var file = PosixFileSystem.OpenRegularFile(_dir.File("link.png"), out long length);

        Assert.Equal(5, length);
        var read = new byte[8];
        Assert.Equal(5, RandomAccess.Read(file, read, 0));
        Assert.Equal([1, 2, 3, 4, 5], read[..5]);
    }

    [Fact]
    public void MissingFilesAndFoldersFailAsDotNetsOpenDoes()
    {
        Assert.Throws<FileNotFoundException>(() => PosixFileSystem.OpenRegularFile(_dir.File("absent.png"), out _));
        Assert.Throws<FileNotFoundException>(() => PosixFileSystem.OpenRegularFile(_dir.File("absent/x.png"), out _));
        Assert.Throws<UnauthorizedAccessException>(() => PosixFileSystem.OpenRegularFile(_dir.Path, out _));
    }

    [Fact]
    public void DevicesAreRefusedByKind()
    {
        var error = Assert.Throws<NotARegularFileException>(() => PosixFileSystem.OpenRegularFile("/dev/null", out _));

        Assert.Equal("a character device, not a regular file; only regular files are read", error.Message);
    }

    [Fact]
    public async Task AFifoIsRefusedWithoutWaitingForAWriter()
    {
        string path = _dir.File("pipe.png");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])) await mkfifo.WaitForExitAsync();

        var open = Task.Run(() => PosixFileSystem.OpenRegularFile(path, out _));
        bool finished = await Task.WhenAny(open, Task.Delay(TimeSpan.FromSeconds(10))) == open;
        if (!finished) using (File.OpenWrite(path)) { } // lets a blocked open go, so that the test host is not left hanging

        Assert.True(finished, "opening a FIFO blocked");
        var error = await Assert.ThrowsAsync<NotARegularFileException>(() => open);
        Assert.StartsWith("a FIFO (named pipe)", error.Message);
    }
}
