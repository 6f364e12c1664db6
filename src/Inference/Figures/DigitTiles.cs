using VaePipeline.Data;
using VaePipeline.Inference.Images;

namespace VaePipeline.Inference.Figures;

/// <summary>What the image figures share: MNIST images as encoder input, and rows of 28 × 28 tiles as one picture.</summary>
public static class DigitTiles
{
    public const int Side = MnistSplit.Width;

    /// <summary>Intensities pixel/255 of the given images, [count, 784]: the encoder graph does its own binarization.</summary>
    public static float[] Intensities(MnistSplit split, IEnumerable<int> indices)
    {
        var images = indices.ToArray();
        var pixels = new float[images.Length * MnistSplit.PixelsPerImage];
        for (int i = 0; i < images.Length; i++)
        {
            var image = split.Image(images[i]);
            for (int p = 0; p < image.Length; p++) pixels[i * MnistSplit.PixelsPerImage + p] = image[p] / 255f;
        }
        return pixels;
    }

    /// <summary>Gray levels of tiles given row after row, <paramref name="columns"/> per row, with mid-gray gaps between them.</summary>
    public static GrayImage Rows(byte[] levels, int columns, int gap = 2) => Mosaic.Tile(levels, Side, Side, columns, gap);
}
