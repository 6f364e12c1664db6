namespace VaePipeline.Inference.Images;

/// <summary>
/// The component count of a JPEG's frame header (SOFn), which SkiaSharp does not expose: 1 is grayscale, 3 YCbCr or
/// RGB, 4 CMYK or YCCK.
/// </summary>
internal static class JpegFrameHeader
{
    /// <summary>
    /// Walks the markers after SOI up to the first SOFn and returns its Nf, or null when the data ends or breaks
    /// before one; the codec then reports that damage itself.
    /// </summary>
    public static int? ComponentCount(ReadOnlySpan<byte> jpeg)
    {
        int at = 2;
        while (at + 3 < jpeg.Length)
        {
            if (jpeg[at] != 0xFF)
                return null;
            byte marker = jpeg[at + 1];
            if (marker == 0xFF)         // fill byte before a marker
                at++;
            else if (marker is 0x01 or >= 0xD0 and <= 0xD7)     // TEM and RSTn stand alone
                at += 2;
            else if (marker is >= 0xC0 and <= 0xCF and not (0xC4 or 0xC8 or 0xCC))     // SOFn, not DHT, JPG, DAC
                // FF Cn, length (2), precision (1), height (2), width (2), Nf.
                return at + 9 < jpeg.Length ? jpeg[at + 9] : null;
            else if (marker is 0xDA or 0xD9)    // SOS or EOI before any frame header
                return null;
            else
                at += 2 + (jpeg[at + 2] << 8 | jpeg[at + 3]);
        }
        return null;
    }
}
