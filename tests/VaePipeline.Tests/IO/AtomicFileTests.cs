using System.Text;
using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void WriteAllText_CreatesFile()
    {
        string path = _dir.File("config.json");

        AtomicFile.WriteAllText(path, "{\"é\": 1}");

        Assert.Equal("{\"é\": 1}", File.ReadAllText(path));
        Assert.Equal(Encoding.UTF8.GetBytes("{\"é\": 1}"), File.ReadAllBytes(path)); // no BOM
        Assert.Equal(["config.json"], _dir.EntryNames());
    }

    [Fact]
    public void Write_ReplacesExistingContent()
    {
        string path = _dir.File("data.bin");
        File.WriteAllText(path, "a much longer previous version of the file");

        AtomicFile.Write(path, stream => stream.Write("new"u8));

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(["data.bin"], _dir.EntryNames());
    }

    [Fact]
    public void Write_LeavesTargetUntouchedWhileWriting_AndUsesHiddenTempInSameDirectory()
    {
        string path = _dir.File("data.bin");
        File.WriteAllText(path, "old");

        AtomicFile.Write(path, stream =>
        {
            stream.Write("new"u8);
            stream.Flush();
            Assert.Equal("old", File.ReadAllText(path));
            string temp = Assert.Single(_dir.EntryNames(), name => name != "data.bin");
            Assert.StartsWith(".data.bin.tmp-", temp);
        });

        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void Write_WhenWriterThrowsMidway_KeepsOriginalAndRemovesTemp()
    {
        string path = _dir.File("checkpoint.bin");
        File.WriteAllText(path, "original");

        var thrown = Assert.Throws<InvalidOperationException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("half of the new con"u8);
            stream.Flush();
            throw new InvalidOperationException("simulated failure");
        }));

        Assert.Equal("simulated failure", thrown.Message);
        Assert.Equal("original", File.ReadAllText(path));
        Assert.Equal(["checkpoint.bin"], _dir.EntryNames());
    }

    [Fact]
    public void Write_WhenWriterThrowsAndNoPreviousFile_LeavesNothing()
    {
        string path = _dir.File("new.bin");

        Assert.Throws<IOException>(() => AtomicFile.Write(path, stream =>
        {
            stream.Write("partial"u8);
            throw new IOException("disk full");
        }));

        Assert.Empty(_dir.EntryNames());
    }
}
