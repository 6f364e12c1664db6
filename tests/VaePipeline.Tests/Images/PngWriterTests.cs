using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

public sealed class PngWriterTests
{
    [Fact]
    public void EncodedPngDecodesToTheSamePixels()
    {
        byte[] pixels = Enumerable.Range(0, 31 * 9).Select(i => (byte)(i * 7)).ToArray();

        byte[] png = PngWriter.Encode(new GrayImage(31, 9, pixels));

        Assert.Equal(ImageFormat.Png, ImageFormats.Detect(png));
        // IHDR follows the 8-byte signature: length, "IHDR", width, height, then bit depth 8 and colour type 0 (gray).
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        Assert.Equal((8, 0), (png[24], png[25]));
        var decoded = Decode(png);
        Assert.Equal((31, 9), (decoded.Width, decoded.Height));
        Assert.Equal(pixels, decoded.Pixels);
    }

    [Fact]
    public void WriteReplacesTheFileAndLeavesNoTemporary()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("out.png"), "old content");
        byte[] pixels = [0, 64, 128, 255];

        PngWriter.Write(dir.File("out.png"), new GrayImage(2, 2, pixels));

        Assert.Equal(["out.png"], dir.EntryNames());
        Assert.Equal(pixels, Decode(File.ReadAllBytes(dir.File("out.png"))).Pixels);
    }

    [Fact]
    public void MosaicTilesRowByRowWithGaps()
    {
        // Five 2 × 3 tiles, tile t filled with level 10 + t, in 3 columns with a gap of 1: 2 rows, 8 × 7 pixels.
        byte[] tiles = Enumerable.Range(0, 5).SelectMany(t => Enumerable.Repeat((byte)(10 + t), 6)).ToArray();

        var mosaic = Mosaic.Tile(tiles, tileWidth: 2, tileHeight: 3, columns: 3, gap: 1, gapLevel: 99);

        Assert.Equal((8, 7), (mosaic.Width, mosaic.Height));
        string[] expected =
        [
            "10 10 99 11 11 99 12 12",
            "10 10 99 11 11 99 12 12",
            "10 10 99 11 11 99 12 12",
            "99 99 99 99 99 99 99 99",
            "13 13 99 14 14 99 99 99",
            "13 13 99 14 14 99 99 99",
            "13 13 99 14 14 99 99 99",
        ];
        byte[] pixels = mosaic.Pixels.ToArray();
        Assert.Equal(expected, Enumerable.Range(0, 7).Select(y => string.Join(' ', pixels[(y * 8)..(y * 8 + 8)])));
    }

    [Fact]
    public void MosaicOfFewerTilesThanColumnsIsOneRow()
    {
        var mosaic = Mosaic.Tile(new byte[2 * 784], 28, 28, columns: 10);

        Assert.Equal((58, 28), (mosaic.Width, mosaic.Height));
    }

    [Fact]
    public void MosaicRejectsAPartialTile()
    {
        Assert.Throws<ArgumentException>(() => Mosaic.Tile(new byte[785], 28, 28, columns: 4));
    }
}
