using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

/// <summary>PNG variants through SkiaSharp's PNG codec: every one comes out as 8-bit gray.</summary>
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
    public void SixteenBitSamplesKeepTheirHighByte()
    {
        // A 16-bit sample s becomes level s >> 8, so the 257·v that stores level v reads back as v, and no colour tag
        // changes that: the file tagged linear light (gAMA 1.0) reads exactly as the untagged one.
        ushort[] samples = [0, 257, 655, 13107, 32767, 32768, 65279, 65535];
        byte[] levels = [0, 1, 2, 51, 127, 128, 254, 255];

        var (_, _, untagged) = Decode(Png16(PngColorType.Gray, samples.Length, 1, (x, _, _) => samples[x]));
        var (_, _, linear) = Decode(Png16(PngColorType.Gray, samples.Length, 1, (x, _, _) => samples[x], TestPng.Gamma(100000)));

        Assert.Equal(levels, untagged);
        Assert.Equal(levels, linear);
    }

    [Fact]
    public void SixteenBitFileFromAnotherWriter()
    {
        // Fixture: levels 0, 1, 128, 255 stored as v·257 with no gAMA or sRGB chunk, written by ImageMagick.
        var (width, height, pixels) = Decode(Fixture("gray16.png"));

        Assert.Equal((2, 2), (width, height));
        Assert.Equal(new byte[] { 0, 1, 128, 255 }, pixels);
    }

    [Fact]
    public void ColourBecomesLuma()
    {
        // Y = 0.299 R + 0.587 G + 0.114 B on the stored values, rounded: red 76.2, green 149.7, blue 29.1. A gray
        // pixel keeps its level, because the weights sum to one.
        (byte R, byte G, byte B)[] colours = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255), (0, 0, 0), (10, 200, 30)];
        var (_, _, pixels) = Decode(Png8(PngColorType.Rgb, colours.Length, 1, (x, _, c) =>
            c switch { 0 => colours[x].R, 1 => colours[x].G, _ => colours[x].B }));

        // 10, 200, 30: 2.99 + 117.4 + 3.42 = 123.81.
        Assert.Equal(new byte[] { 76, 150, 29, 255, 0, 124 }, pixels);

        var (_, _, grays) = Decode(Png8(PngColorType.Rgb, 256, 1, (x, _, _) => (byte)x));
        Assert.Equal(Enumerable.Range(0, 256).Select(v => (byte)v), grays);
    }

    [Fact]
    public void ColourTagsAreIgnored()
    {
        // gAMA 1.0 claims linear light; the levels are still taken as stored, like those of an untagged file.
        var (_, _, pixels) = Decode(Png8(PngColorType.Rgb, 2, 1, (x, _, _) => x == 0 ? (byte)64 : (byte)192, TestPng.Gamma(100000)));

        Assert.Equal(new byte[] { 64, 192 }, pixels);
    }

    [Fact]
    public void SixteenBitRgbaBecomesGray()
    {
        var (_, _, pixels) = Decode(Png16(PngColorType.Rgba, 2, 1, (x, _, c) => c == 3 || x == 1 ? (ushort)65535 : (ushort)0));

        Assert.Equal(new byte[] { 0, 255 }, pixels);
    }

    [Theory]
    [InlineData(PngColorType.GrayAlpha)]
    [InlineData(PngColorType.Rgba)]
    public void AlphaIsComposedOntoTheBackground(PngColorType colorType)
    {
        // Pixels: opaque 200, transparent white, transparent black, half-transparent white, half-transparent black.
        (byte Level, byte Alpha)[] pixels = [(200, 255), (255, 0), (0, 0), (255, 128), (0, 128)];
        int alphaChannel = colorType == PngColorType.Rgba ? 3 : 1;
        byte[] png = Png8(colorType, pixels.Length, 1, (x, _, c) => c == alphaChannel ? pixels[x].Alpha : pixels[x].Level);

        var (_, _, overBlack) = Decode(png);
        var (_, _, overWhite) = Decode(png, background: 255);

        // Composition on the stored levels, (level·α + background·(255 − α)) / 255 rounded: with α = 128, white over
        // black is exactly 128 and black over white exactly 127.
        Assert.Equal(new byte[] { 200, 0, 0, 128, 0 }, overBlack);
        Assert.Equal(new byte[] { 200, 255, 255, 255, 127 }, overWhite);
    }

    [Fact]
    public void ColourIsTurnedGrayBeforeItIsComposed()
    {
        // Half-transparent red over white: luma 76, then 76·128/255 + 255·127/255 = 38.15 + 127 = 165.15.
        var (_, _, pixels) = Decode(Png8(PngColorType.Rgba, 1, 1, (_, _, c) => c switch { 0 => 255, 3 => 128, _ => 0 }), background: 255);

        Assert.Equal(new byte[] { 165 }, pixels);
    }

    [Fact]
    public void PaletteImage()
    {
        // Fixture: 4 × 2, row 0 the grays 0, 85, 170, 255; row 1 red, green, blue, white, all through a PLTE.
        var (width, height, pixels) = Decode(Fixture("palette.png"));

        Assert.Equal((4, 2), (width, height));
        Assert.Equal(new byte[] { 0, 85, 170, 255, 76, 150, 29, 255 }, pixels);
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
