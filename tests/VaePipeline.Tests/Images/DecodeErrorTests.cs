using System.Text;
using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

/// <summary>Anything that is not a readable PNG or JPEG fails with an <see cref="ImageDecodeException"/> that says why.</summary>
public sealed class DecodeErrorTests
{
    [Fact]
    public void EmptyFile()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("empty.png"), []);
        using var decoder = new GrayImageDecoder();

        var error = Assert.Throws<ImageDecodeException>(() => decoder.DecodeFile(dir.File("empty.png")));

        Assert.Equal($"{dir.File("empty.png")}: empty (0 bytes), not an image", error.Message);
    }

    [Fact]
    public void TextFileNamedPng()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("digit.png"), "hello, I am not an image\n");
        using var decoder = new GrayImageDecoder();

        var error = Assert.Throws<ImageDecodeException>(() => decoder.DecodeFile(dir.File("digit.png")));

        Assert.Equal($"{dir.File("digit.png")}: not a PNG or JPEG image: it starts with bytes 68656C6C6F2C2049", error.Message);
    }

    [Fact]
    public void FormatComesFromTheBytesNotTheName()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("really-a-jpeg.png"), Fixture("gray.jpg"));

        using var decoder = new GrayImageDecoder();
        Assert.Equal(16, decoder.DecodeFile(dir.File("really-a-jpeg.png")).Width);
    }

    [Theory]
    [InlineData(8)]      // the signature alone
    [InlineData(20)]     // inside IHDR
    [InlineData(-40)]    // inside the image data
    public void TruncatedPng(int keep)
    {
        byte[] png = Gray8(28, 28, (x, y) => (byte)(x * y));
        byte[] truncated = png[..(keep > 0 ? keep : png.Length + keep)];

        var error = Assert.Throws<ImageDecodeException>(() => Decode(truncated));

        Assert.Equal("invalid PNG: the data ends early or is damaged (IncompleteInput)", error.Message);
    }

    [Theory]
    [InlineData(20)]     // the zlib checksum at the end of the image data
    [InlineData(13)]     // the IDAT chunk's CRC
    public void CorruptPngNamesSkiasResult(int fromEnd)
    {
        byte[] png = Gray8(28, 28, (x, y) => (byte)(x * y));
        png[^fromEnd] ^= 0xFF;

        var error = Assert.Throws<ImageDecodeException>(() => Decode(png));

        Assert.Equal("invalid PNG: corrupt data (ErrorInInput)", error.Message);
    }

    [Fact]
    public void PngWithoutIendIsAccepted()
    {
        // Every pixel is there; only the 12-byte end marker is missing.
        byte[] png = Gray8(28, 28, (x, y) => (byte)(x * y));

        Assert.Equal(Decode(png).Pixels, Decode(png[..^12]).Pixels);
    }

    [Fact]
    public void OtherFormatsAreNamedByTheirFirstBytes()
    {
        var error = Assert.Throws<ImageDecodeException>(() => Decode(Encoding.ASCII.GetBytes("GIF89a")));

        Assert.Equal("not a PNG or JPEG image: it starts with bytes 474946383961", error.Message);
    }

    [Fact]
    public void UnreadableFileIsAnIoErrorNotADecodeError()
    {
        using var dir = new TempDirectory();
        using var decoder = new GrayImageDecoder();

        Assert.Throws<FileNotFoundException>(() => decoder.DecodeFile(dir.File("absent.png")));
        Assert.Throws<UnauthorizedAccessException>(() => decoder.DecodeFile(dir.Path));
    }
}
