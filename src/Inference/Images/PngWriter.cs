using VaePipeline.IO;

namespace VaePipeline.Inference.Images;

/// <summary>Writes 8-bit grayscale PNGs through libpng's simplified write API.</summary>
public static class PngWriter
{
    /// <exception cref="DllNotFoundException">libpng16 is not installed (the message names the package).</exception>
    public static byte[] Encode(GrayImage image) => LibPng.Write(image.Pixels, image.Width, image.Height, LibPng.FormatGray);

    /// <summary>
    /// Writes <paramref name="image"/> as a PNG file at <paramref name="path"/>, atomically: a reader sees the old
    /// file or the whole new one, never part of it.
    /// </summary>
    /// <inheritdoc cref="Encode" path="/exception"/>
    public static void Write(string path, GrayImage image)
    {
        byte[] png = Encode(image);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
