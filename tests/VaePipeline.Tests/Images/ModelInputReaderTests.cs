using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

public sealed class ModelInputReaderTests
{
    [Fact]
    public void InvertTurnsDarkInkOnPaperIntoABrightDigit()
    {
        // A 56 × 56 scan: white paper, a black 2 × 2 dot at the top left.
        byte[] png = Gray8(56, 56, (x, y) => x < 2 && y < 2 ? (byte)0 : (byte)255);
        var input = new float[ModelInputReader.Length];

        using var reader = new ModelInputReader(invert: true);
        reader.Read(png, input);

        Assert.Equal(1f, input[0]);
        Assert.All(input[1..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void TransparentPixelsAreBackgroundEitherWay()
    {
        // White ink on transparent, and black ink on transparent (the background left white-on-black and
        // black-on-white respectively when composed): both become a bright dot on black.
        byte[] whiteInk = Png8(PngColorType.GrayAlpha, 28, 28, (x, y, c) => c == 0 ? (byte)255 : x == 0 && y == 0 ? (byte)255 : (byte)0);
        byte[] blackInk = Png8(PngColorType.GrayAlpha, 28, 28, (x, y, c) => c == 0 ? (byte)0 : x == 0 && y == 0 ? (byte)255 : (byte)0);
        var input = new float[ModelInputReader.Length];

        using (var reader = new ModelInputReader(invert: false))
            reader.Read(whiteInk, input);
        Assert.Equal(1f, input[0]);
        Assert.All(input[1..], v => Assert.Equal(0f, v));

        using (var reader = new ModelInputReader(invert: true))
            reader.Read(blackInk, input);
        Assert.Equal(1f, input[0]);
        Assert.All(input[1..], v => Assert.Equal(0f, v));
    }

    [Fact]
    public void ReadsFilesOfAnySizeAndFormat()
    {
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("a.jpg"), Fixture("gray.jpg"));
        var input = new float[ModelInputReader.Length];

        using var reader = new ModelInputReader(invert: false);
        reader.Read(dir.File("a.jpg"), input);

        // 16 × 16 with a vertical edge at 8 → 28 × 28 with the edge at 14: left ≈ 32/255, right ≈ 224/255.
        for (int i = 0; i < input.Length; i++)
            Assert.Equal(i % 28 < 14 ? 32 / 255.0 : 224 / 255.0, input[i], 3 / 255.0);
    }

    [Fact]
    public void DestinationMustHold784Floats()
    {
        using var reader = new ModelInputReader(invert: false);

        Assert.Throws<ArgumentException>(() => reader.Read(Gray8(28, 28, (_, _) => 0), new float[783]));
    }
}
