using SkiaSharp;
using VaePipeline.IO;

namespace VaePipeline.Inference.Images;

/// <summary>Writes 8-bit grayscale PNGs through SkiaSharp's PNG encoder.</summary>
public static class PngWriter
{
    public static unsafe byte[] Encode(GrayImage image)
    {
        fixed (byte* pixels = image.Pixels)
        {
            // No colour space: Skia then writes plain gray samples (colour type 0, depth 8) with no sRGB or ICC chunk.
            var info = new SKImageInfo(image.Width, image.Height, SKColorType.Gray8, SKAlphaType.Opaque);
            using var pixmap = new SKPixmap(info, (IntPtr)pixels, image.Width);
            using SKData png = pixmap.Encode(SKPngEncoderOptions.Default)
                ?? throw new InvalidOperationException($"Skia cannot encode the {image.Width}×{image.Height} image as PNG");
            return png.ToArray();
        }
    }

    /// <summary>
    /// Writes <paramref name="image"/> as a PNG file at <paramref name="path"/>, atomically: a reader sees the old
    /// file or the whole new one, never part of it.
    /// </summary>
    public static void Write(string path, GrayImage image)
    {
        byte[] png = Encode(image);
        AtomicFile.Write(path, stream => stream.Write(png));
    }
}
