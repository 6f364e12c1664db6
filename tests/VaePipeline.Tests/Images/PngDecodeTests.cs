using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

/// <summary>PNG variants through libpng's simplified read API: every one comes out as 8-bit gray.</summary>
public sealed class PngDecodeTests
{
    [Fact]
    public void Gray8ComesBackExactly()
    {
        var (width, height, pixels) = Decode(Gray8(7, 3, (x, y) => (byte)(x * 37 + y * 11)));

        Assert.Equal((7, 3), (width, height));
        Assert.Equal(Enumerable.Range(0, 21).Select(i => (byte)(i % 7 * 37 + i / 7 * 11)), pixels);
    }

    [Fact]
    public void OneByOne()
    {
        var (width, height, pixels) = Decode(Gray8(1, 1, (_, _) => 200));

        Assert.Equal((1, 1), (width, height));
        Assert.Equal(new byte[] { 200 }, pixels);
    }

    [Fact]
    public void SixteenBitLinearIsGammaEncoded()
    {
        // libpng writes 16-bit samples as linear light (gAMA 1.0); reading to 8-bit gray encodes them (0.01 → 31).
        ushort[] linear = [0, 655, 13107, 32768, 65535];
        var (_, _, pixels) = Decode(Png16Linear(LibPng.FormatGray, linear.Length, 1, (x, _, _) => linear[x]));

        for (int i = 0; i < linear.Length; i++)
            AssertEncodes(linear[i] / 65535.0, pixels[i]);
        Assert.Equal([0, 255], new[] { pixels[0], pixels[^1] });
    }

    [Fact]
    public void SixteenBitWithoutGammaIsTakenAsSrgb()
    {
        // Fixture: levels 0, 1, 128, 255 stored as v·257 with no gAMA or sRGB chunk, the way most 16-bit scans are
        // written; libpng's default would take them as linear and brighten the dark ones.
        var (width, height, pixels) = Decode(Fixture("gray16.png"));

        Assert.Equal((2, 2), (width, height));
        Assert.Equal(new byte[] { 0, 1, 128, 255 }, pixels);
    }

    [Fact]
    public void ColourBecomesSrgbLuminance()
    {
        // Rec. 709 weights applied in linear light, then sRGB-encoded: red 0.2126 → 127, not the 76 of a
        // gamma-space 0.299 R + 0.587 G + 0.114 B. Gray stays gray.
        (byte R, byte G, byte B, double Linear)[] cases =
            [(255, 0, 0, 0.2126), (0, 255, 0, 0.7152), (0, 0, 255, 0.0722), (255, 255, 255, 1), (0, 0, 0, 0)];
        var (_, _, pixels) = Decode(Png8(LibPng.FormatFlagColor, cases.Length, 1, (x, _, c) =>
            c switch { 0 => cases[x].R, 1 => cases[x].G, _ => cases[x].B }));

        for (int i = 0; i < cases.Length; i++)
            AssertEncodes(cases[i].Linear, pixels[i]);

        var (_, _, grays) = Decode(Png8(LibPng.FormatFlagColor, 256, 1, (x, _, _) => (byte)x));
        Assert.Equal(Enumerable.Range(0, 256).Select(v => (byte)v), grays);
    }

    [Fact]
    public void SixteenBitRgbaBecomesGray()
    {
        var (_, _, pixels) = Decode(Png16Linear(LibPng.FormatFlagColor | LibPng.FormatFlagAlpha, 2, 1,
            (x, _, c) => c == 3 || x == 1 ? (ushort)65535 : (ushort)0));

        Assert.Equal(new byte[] { 0, 255 }, pixels);
    }

    [Theory]
    [InlineData(LibPng.FormatFlagAlpha)]
    [InlineData(LibPng.FormatFlagAlpha | LibPng.FormatFlagColor)]
    public void AlphaIsComposedOntoTheBackground(uint format)
    {
        // Pixels: opaque 200, transparent white, transparent black, half-transparent white, half-transparent black.
        (byte Level, byte Alpha)[] pixels = [(200, 255), (255, 0), (0, 0), (255, 128), (0, 128)];
        int alphaChannel = (format & LibPng.FormatFlagColor) != 0 ? 3 : 1;
        byte[] png = Png8(format, pixels.Length, 1, (x, _, c) => c == alphaChannel ? pixels[x].Alpha : pixels[x].Level);

        var (_, _, overBlack) = Decode(png);
        var (_, _, overWhite) = Decode(png, background: 255);

        Assert.Equal(new byte[] { 200, 0, 0 }, overBlack[..3]);
        Assert.Equal(new byte[] { 200, 255, 255 }, overWhite[..3]);
        // Composition happens in linear light: half white over black encodes 0.5, ≈ 187, not 128.
        AssertEncodes(128 / 255.0, overBlack[3]);
        Assert.Equal(0, overBlack[4]);
        Assert.Equal(255, overWhite[3]);
        AssertEncodes(127 / 255.0, overWhite[4]);
    }

    [Fact]
    public void PaletteImage()
    {
        // Fixture: 4 × 2, row 0 the grays 0, 85, 170, 255; row 1 red, green, blue, white, all through a PLTE.
        var (width, height, pixels) = Decode(Fixture("palette.png"));

        Assert.Equal((4, 2), (width, height));
        Assert.Equal(new byte[] { 0, 85, 170, 255 }, pixels[..4]);
        double[] luminance = [0.2126, 0.7152, 0.0722, 1];
        for (int i = 0; i < 4; i++)
            AssertEncodes(luminance[i], pixels[4 + i]);
    }

    [Fact]
    public void InterlacedImage()
    {
        // Fixture: 9 × 9 Adam7-interlaced gray, large enough for all seven passes, level 28x + 3y.
        var (width, height, pixels) = Decode(Fixture("interlaced.png"));

        Assert.Equal((9, 9), (width, height));
        Assert.Equal(Enumerable.Range(0, 81).Select(i => (byte)(28 * (i % 9) + 3 * (i / 9))), pixels);
    }

    [Fact]
    public void DecoderReusesItsBufferAcrossSizes()
    {
        using var decoder = new GrayImageDecoder();
        byte[] large = Gray8(40, 30, (x, y) => (byte)(x + y));
        byte[] small = Gray8(3, 2, (x, y) => (byte)(100 + x + 10 * y));

        Assert.Equal(1200, decoder.Decode(large).Pixels.Length);
        var image = decoder.Decode(small);
        Assert.Equal(new byte[] { 100, 101, 102, 110, 111, 112 }, image.Pixels.ToArray());
        Assert.Equal(39 + 29, decoder.Decode(large).Pixels[^1]);
    }
}
