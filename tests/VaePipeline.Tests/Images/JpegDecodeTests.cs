using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

/// <summary>JPEGs through TurboJPEG; lossy, so levels are checked within a few steps.</summary>
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
        // Fixture: 32 × 16, 4:4:4, bars of red, green, blue, white eight columns wide. Gray is the JPEG's own Y
        // channel, 0.299 R + 0.587 G + 0.114 B on the gamma-encoded values: 76, 150, 29, 255.
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

    [Fact]
    public void TruncatedJpegIsRejected()
    {
        byte[] jpeg = Fixture("color.jpg");

        var error = Assert.Throws<ImageDecodeException>(() => Decode(jpeg[..(jpeg.Length * 3 / 4)]));

        Assert.StartsWith("invalid JPEG: ", error.Message);
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
