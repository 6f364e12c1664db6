using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

/// <summary>JPEGs through SkiaSharp's JPEG codec; lossy, so levels are checked within a few steps.</summary>
public sealed class JpegDecodeTests
{
    [Fact]
    public void GrayscaleJpeg()
    {
        // Fixture: 16 × 16, left eight columns 32, right eight 224 (block-aligned, so the edge costs nothing).
        var (width, height, pixels) = Decode(Fixture("gray.jpg"));

        Assert.Equal((16, 16), (width, height));
        for (int i = 0; i < pixels.Length; i++)
            Assert.InRange(pixels[i], (i % 16 < 8 ? 32 : 224) - 2, (i % 16 < 8 ? 32 : 224) + 2);
    }

    [Fact]
    public void ColourJpegBecomesLuma()
    {
        // Fixture: 32 × 16, 4:4:4, bars of red, green, blue, white eight columns wide. Skia hands over RGB and gray is
        // 0.299 R + 0.587 G + 0.114 B on those values, the weights of the JPEG's own Y channel: 76, 150, 29, 255.
        var (width, height, pixels) = Decode(Fixture("color.jpg"));

        Assert.Equal((32, 16), (width, height));
        int[] luma = [76, 150, 29, 255];
        for (int i = 0; i < pixels.Length; i++)
            Assert.InRange(pixels[i], luma[i % 32 / 8] - 3, luma[i % 32 / 8] + 3);
    }

    [Fact]
    public void CmykJpegIsRejected()
    {
        var error = Assert.Throws<ImageDecodeException>(() => Decode(Fixture("cmyk.jpg")));

        Assert.Contains("CMYK JPEG is not supported", error.Message);
    }

    [Theory]
    [InlineData(100)]   // inside the Huffman tables, before the scan (color.jpg is 323 bytes, its scan data from 284)
    [InlineData(20)]    // inside the scan data
    [InlineData(2)]     // only the end-of-image marker missing
    public void TruncatedJpegIsRejected(int dropped)
    {
        // Skia reports IncompleteInput and fills the rest of the image with gray; that must not pass for the file.
        byte[] jpeg = Fixture("color.jpg");
        byte[] truncated = jpeg[..^dropped];

        var error = Assert.Throws<ImageDecodeException>(() => Decode(truncated));

        Assert.Equal("invalid JPEG: the data ends early or is damaged (IncompleteInput)", error.Message);
    }

    [Fact]
    public void DeclaredSizeBeyondTheLimitIsRefusedBeforeAllocating()
    {
        // Patch the frame header (SOF0: FF C0, length, precision, height, width) to claim 20000 × 20000.
        byte[] jpeg = Fixture("gray.jpg");
        int sof = jpeg.AsSpan().IndexOf([(byte)0xFF, (byte)0xC0]);
        jpeg[sof + 5] = jpeg[sof + 7] = 20000 >> 8;
        jpeg[sof + 6] = jpeg[sof + 8] = 20000 & 0xFF;

        var error = Assert.Throws<ImageDecodeException>(() => Decode(jpeg));

        Assert.Equal("the image is 20000×20000, more than the 268,435,456-pixel limit", error.Message);
    }

    [Fact]
    public void OneDecoderReadsPngAndJpegInTurn()
    {
        using var decoder = new GrayImageDecoder();

        Assert.Equal(16, decoder.Decode(Fixture("gray.jpg")).Width);
        Assert.Equal(4, decoder.Decode(Fixture("palette.png")).Width);
        Assert.Equal(32, decoder.Decode(Fixture("color.jpg")).Width);
    }
}
