using System.Security.Cryptography;
using VaePipeline.Data;

namespace VaePipeline.Tests.Data;

/// <summary>Reads the real MNIST files from shared/data/mnist.</summary>
public sealed class RealMnistTests
{
    [Fact]
    public void TrainSplitHasTheKnownShape()
    {
        var train = MnistFiles.LoadTrain(SharedData.MnistDir);

        Assert.Equal(60_000, train.Count);
        Assert.Equal(60_000 * MnistSplit.PixelsPerImage, train.Pixels.Length);
        Assert.Equal(5, train.Labels[0]);
        Assert.Equal(0, train.Labels[1]);
        // Digit frequencies of the MNIST training set.
        Assert.Equal([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949], Histogram(train.Labels));
        Assert.Equal(0, train.Pixels.Min());
        Assert.Equal(255, train.Pixels.Max());
        // Digits are centred in a blank border: the first and last rows of the first image are empty.
        Assert.All(train.Image(0)[..MnistSplit.Width].ToArray(), p => Assert.Equal(0, p));
        Assert.All(train.Image(0)[^MnistSplit.Width..].ToArray(), p => Assert.Equal(0, p));
        Assert.Contains(train.Image(0).ToArray(), p => p == 255);
    }

    [Fact]
    public void TestSplitHasTheKnownShape()
    {
        var test = MnistFiles.LoadTest(SharedData.MnistDir);

        Assert.Equal(10_000, test.Count);
        Assert.Equal(7, test.Labels[0]);
        Assert.Equal(2, test.Labels[1]);
        Assert.Equal([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], Histogram(test.Labels));
        Assert.Equal(255, test.Pixels.Max());
    }

    [Fact]
    public void ChecksumTableMatchesTheSharedFiles()
    {
        foreach (var file in MnistFiles.All)
        {
            byte[] content = IdxBytes.Gunzip(Path.Combine(SharedData.MnistDir, file.GzName));
            Assert.Equal(file.Sha256, Convert.ToHexStringLower(SHA256.HashData(content)));
        }
    }

    [Fact]
    public void DecompressedFilesReadTheSameAsGzipped()
    {
        using var raw = new TempDirectory();
        foreach (var file in MnistFiles.All)
            File.WriteAllBytes(raw.File(file.Name), IdxBytes.Gunzip(Path.Combine(SharedData.MnistDir, file.GzName)));

        Assert.Equal(raw.File(MnistFiles.TestImages.Name), MnistFiles.TestImages.FindIn(raw.Path));
        AssertSame(MnistFiles.LoadTrain(SharedData.MnistDir), MnistFiles.LoadTrain(raw.Path));
        AssertSame(MnistFiles.LoadTest(SharedData.MnistDir), MnistFiles.LoadTest(raw.Path));
    }

    [Fact]
    public void GzipIsRecognisedByContentNotByName()
    {
        using var dir = new TempDirectory();
        // Gzipped content under the decompressed name, and raw content under the .gz name.
        File.Copy(Path.Combine(SharedData.MnistDir, MnistFiles.TestImages.GzName), dir.File(MnistFiles.TestImages.Name));
        File.WriteAllBytes(dir.File(MnistFiles.TestLabels.GzName), IdxBytes.Gunzip(Path.Combine(SharedData.MnistDir, MnistFiles.TestLabels.GzName)));

        AssertSame(MnistFiles.LoadTest(SharedData.MnistDir), MnistFiles.LoadTest(dir.Path));
    }

    private static int[] Histogram(byte[] labels)
    {
        var counts = new int[10];
        foreach (byte label in labels)
            counts[label]++;
        return counts;
    }

    private static void AssertSame(MnistSplit expected, MnistSplit actual)
    {
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.True(expected.Pixels.AsSpan().SequenceEqual(actual.Pixels), "pixels differ");
    }
}
