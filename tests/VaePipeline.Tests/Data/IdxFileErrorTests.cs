using VaePipeline.Data;

namespace VaePipeline.Tests.Data;

/// <summary>Every malformed input gives a <see cref="MnistDataException"/> naming the file and the problem.</summary>
public sealed class IdxFileErrorTests : IDisposable
{
    private readonly TempDirectory dir = new();

    public void Dispose() => dir.Dispose();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsWellFormedFiles(bool compress)
    {
        var images = IdxFile.ReadImages(Write("images", IdxBytes.Images(3, 2, 5), compress));
        var labels = IdxFile.ReadLabels(Write("labels", IdxBytes.Labels(4, 0, 9), compress));

        Assert.Equal((3, 2, 5, 30), (images.Count, images.Rows, images.Columns, images.Pixels.Length));
        Assert.Equal([4, 0, 9], labels);
    }

    /// <summary>Opening a FIFO for reading blocks until a writer comes; it must be refused without opening it.</summary>
    [Fact]
    public async Task AFifoIsRefusedWithoutBlocking()
    {
        string path = dir.File("train-images-idx3-ubyte");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [path])) await mkfifo.WaitForExitAsync();
        var read = Task.Run(() => IdxFile.ReadImages(path));
        bool finished = await Task.WhenAny(read, Task.Delay(TimeSpan.FromSeconds(10))) == read;
        if (!finished) using (File.OpenWrite(path)) { } // a writer lets the blocked reader go, so the test host is not left hanging
        Assert.True(finished, "reading a FIFO blocked");
        var error = await Assert.ThrowsAsync<MnistDataException>(() => read);
        Assert.Contains(path, error.Message);
        Assert.Contains("not a regular file", error.Message);
    }

    [Fact]
    public void WrongMagic()
    {
        byte[] content = IdxBytes.Images(1);
        content[3] = 0x08;
        AssertImagesFail(content, compress: false, "bad magic 0x00000808", "expected 0x00000803");
    }

    [Fact]
    public void LabelsFileReadAsImages() =>
        AssertImagesFail(IdxBytes.Labels(1, 2, 3), compress: false, "idx labels file", "expected images");

    [Fact]
    public void ImagesFileReadAsLabels()
    {
        string path = Write("images", IdxBytes.Images(1), compress: false);
        AssertMessage(() => IdxFile.ReadLabels(path), path, "idx images file", "expected labels");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedHeader(bool compress) =>
        AssertImagesFail(IdxBytes.Images(1)[..10], compress, "truncated header", "10 of 16 bytes");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TruncatedData(bool compress) =>
        AssertImagesFail(IdxBytes.Images(2)[..(16 + 1234)], compress, "truncated", "2 images of 28×28 (1,568 bytes)", "only 1,234 bytes follow");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void TrailingBytes(bool compress) =>
        AssertImagesFail([.. IdxBytes.Images(2), 1, 2, 3], compress, "3 trailing bytes after the 2 images");

    [Fact]
    public void TrailingBytesAfterLabels()
    {
        string path = Write("labels", [.. IdxBytes.Labels(1, 2), 7], compress: false);
        AssertMessage(() => IdxFile.ReadLabels(path), path, "1 trailing bytes after the 2 labels");
    }

    [Fact]
    public void EmptyFile() => AssertImagesFail([], compress: false, "empty");

    [Fact]
    public void MissingFile()
    {
        string path = dir.File("nothing-here");
        AssertMessage(() => IdxFile.ReadImages(path), path, "no such file");
    }

    [Theory]
    [InlineData(0, 28)]
    [InlineData(28, -1)]
    [InlineData(28, IdxFile.MaxSide + 1)]
    public void AbsurdImageSize(int rows, int columns) =>
        AssertImagesFail([.. IdxBytes.Header(0x00000803, 1, rows, columns), 0], compress: false, "bad dimensions");

    [Fact]
    public void NegativeCount() =>
        AssertImagesFail(IdxBytes.Header(0x00000803, -5, 28, 28), compress: false, "bad dimensions", "-5 images");

    [Fact]
    public void MoreDataThanAnArrayHolds() =>
        AssertImagesFail(IdxBytes.Header(0x00000803, int.MaxValue, 28, 28), compress: false, "bad dimensions", "more than fits in memory");

    [Fact]
    public void CorruptedGzipStream()
    {
        byte[] compressed = IdxBytes.Gzip(IdxBytes.Images(20));
        compressed[compressed.Length / 2] ^= 0xff;
        AssertImagesFail(compressed, compress: false, "gzip");
    }

    [Fact]
    public void GzipWithWrongChecksum()
    {
        // The last 8 bytes of a gzip file are the CRC-32 and length of the content: the data itself still inflates.
        byte[] compressed = IdxBytes.Gzip(IdxBytes.Images(20));
        compressed[^8] ^= 0xff;
        AssertImagesFail(compressed, compress: false, "corrupted gzip stream");
    }

    [Fact]
    public void TruncatedGzipStream()
    {
        // GZipStream ends quietly where the file ends, so it is the length check that notices.
        byte[] compressed = IdxBytes.Gzip(IdxBytes.Images(20));
        AssertImagesFail(compressed[..(compressed.Length - 20)], compress: false, "truncated: header says 20 images of 28×28");
    }

    [Fact]
    public void ImagesThatAreNot28By28()
    {
        string images = Write("images", IdxBytes.Images(1, 28, 27), compress: false);
        string labels = Write("labels", IdxBytes.Labels(1), compress: false);
        AssertMessage(() => MnistSplit.Load(images, labels), images, "28×27", "MNIST images are 28×28");
    }

    [Fact]
    public void CountMismatchBetweenImagesAndLabels()
    {
        string images = Write("images", IdxBytes.Images(3), compress: true);
        string labels = Write("labels", IdxBytes.Labels(1, 2), compress: true);
        var error = Assert.Throws<MnistDataException>(() => MnistSplit.Load(images, labels));
        Assert.Contains("count mismatch", error.Message);
        Assert.Contains($"{images} holds 3 images", error.Message);
        Assert.Contains($"{labels} holds 2 labels", error.Message);
    }

    [Fact]
    public void LabelThatIsNotADigit()
    {
        string images = Write("images", IdxBytes.Images(3), compress: false);
        string labels = Write("labels", IdxBytes.Labels(1, 10, 2), compress: false);
        AssertMessage(() => MnistSplit.Load(images, labels), labels, "label 10 at index 1", "not a digit");
    }

    [Fact]
    public void MissingFileInAFolder()
    {
        File.WriteAllBytes(dir.File(MnistFiles.TestImages.GzName), IdxBytes.Gzip(IdxBytes.Images(1)));
        AssertMessage(() => MnistFiles.LoadTest(dir.Path), dir.Path, "neither t10k-labels-idx1-ubyte.gz nor t10k-labels-idx1-ubyte");
    }

    [Fact]
    public void SplitRejectsPixelsThatDoNotMatchTheLabels() =>
        Assert.Throws<ArgumentException>(() => new MnistSplit(new byte[MnistSplit.PixelsPerImage + 1], new byte[1]));

    private string Write(string name, byte[] content, bool compress)
    {
        string path = dir.File(compress ? name + ".gz" : name);
        File.WriteAllBytes(path, compress ? IdxBytes.Gzip(content) : content);
        return path;
    }

    private void AssertImagesFail(byte[] content, bool compress, params string[] keyWords)
    {
        string path = Write("images", content, compress);
        AssertMessage(() => IdxFile.ReadImages(path), path, keyWords);
    }

    private static void AssertMessage(Func<object> read, string path, params string[] keyWords)
    {
        var error = Assert.Throws<MnistDataException>(read);
        Assert.StartsWith(path, error.Message);
        foreach (string words in keyWords)
            Assert.Contains(words, error.Message);
    }
}
