using System.Formats.Tar;
using System.IO.Compression;
using VaePipeline.Data;
using VaePipeline.Inference.Images;
using VaePipeline.Model;

namespace VaePipeline.Tests.Images;

/// <summary>
/// The whole path on real files: the shared archive of the 10,000 MNIST test digits as PNGs, written by another
/// program, must decode to exactly the pixels of the idx test set (test/label/N.png is test image N − 60000).
/// </summary>
public sealed class MnistPngTests
{
    // Every image is decoded from memory; every 25th also goes through a file on disk (creating all 10,000 files
    // costs seconds on a slow file system, and adds nothing the 400 do not show).
    private const int FileEvery = 25;

    [Fact]
    public void EveryPngMatchesTheIdxImage()
    {
        var test = MnistFiles.LoadTest(SharedData.MnistDir);
        using var dir = new TempDirectory();
        using var decoder = new GrayImageDecoder();
        using var reader = new ModelInputReader(invert: false);
        var encoder = new PixelEncoder(Binarization.None, seed: 0);
        var input = new float[ModelInputReader.Length];
        var expected = new float[ModelInputReader.Length];
        var seen = new bool[test.Count];

        using var gzip = new GZipStream(
            File.OpenRead(Path.Combine(SharedData.MnistPngDir, "mnist-test-png.tar.gz")), CompressionMode.Decompress);
        using var tar = new TarReader(gzip);
        while (tar.GetNextEntry() is { } entry)
        {
            if (entry.EntryType != TarEntryType.RegularFile)
                continue;
            int index = int.Parse(Path.GetFileNameWithoutExtension(entry.Name)) - 60_000;
            int label = int.Parse(Path.GetFileName(Path.GetDirectoryName(entry.Name))!);
            Assert.Equal(test.Labels[index], label);
            Assert.False(seen[index], $"{entry.Name}: image {index} appears twice");
            seen[index] = true;

            using var data = new MemoryStream();
            entry.DataStream!.CopyTo(data);
            byte[] png = data.ToArray();
            var image = decoder.Decode(png);
            Assert.Equal((28, 28), (image.Width, image.Height));
            Assert.True(image.Pixels.SequenceEqual(test.Image(index)), $"{entry.Name} differs from test image {index}");

            if (index % FileEvery != 0)
                continue;
            // From a file, the encoder's input is the training input of that image, float for float.
            string path = dir.File($"{index + 60_000}.png");
            File.WriteAllBytes(path, png);
            reader.Read(path, input);
            encoder.Fill(test, [index], draw: 0, expected);
            Assert.True(input.AsSpan().SequenceEqual(expected), $"{entry.Name}: model input differs from training's");
        }
        Assert.All(seen, Assert.True);
    }
}
