namespace VaePipeline.Inference.Images;

/// <summary>
/// Colour and transparency to gray, on the encoded (gamma-space) samples as stored: luma with the Rec. 601 weights
/// that JPEG's own YCbCr uses, then alpha composition onto a solid background level.
/// </summary>
internal static class RgbaToGray
{
    // 0.299, 0.587 and 0.114 in units of 2^-16, libjpeg's own fixed-point RGB → Y weights. They sum to exactly 2^16,
    // so a gray pixel (r = g = b) keeps its level and white stays 255.
    private const int Red = 19595, Green = 38470, Blue = 7471;

    /// <summary>
    /// Turns unpremultiplied RGBA samples into one gray level per pixel, written over the front of the same buffer:
    /// Y = round(0.299 R + 0.587 G + 0.114 B), then round((Y·α + background·(255 − α)) / 255).
    /// </summary>
    public static void ConvertInPlace(Span<byte> rgba, byte background)
    {
        // Pixel i is written at i after its four samples at 4i.. were read, so no unread sample is overwritten.
        for (int i = 0, pixels = rgba.Length / 4; i < pixels; i++)
        {
            int r = rgba[4 * i], g = rgba[4 * i + 1], b = rgba[4 * i + 2], alpha = rgba[4 * i + 3];
            int luma = (Red * r + Green * g + Blue * b + (1 << 15)) >> 16;
            rgba[i] = (byte)((luma * alpha + background * (255 - alpha) + 127) / 255);
        }
    }
}
