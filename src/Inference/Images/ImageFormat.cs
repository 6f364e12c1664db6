namespace VaePipeline.Inference.Images;

/// <summary>The encoded formats images are read from.</summary>
public enum ImageFormat
{
    Png,
    Jpeg,
}

/// <summary>Tells the format from the first bytes, never from a file name, so a misnamed file is still read right.</summary>
public static class ImageFormats
{
    private static ReadOnlySpan<byte> PngSignature => [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];

    // SOI followed by the first marker's 0xFF: every JPEG (JFIF, Exif, Adobe, raw) starts this way.
    private static ReadOnlySpan<byte> JpegSignature => [0xFF, 0xD8, 0xFF];

    /// <exception cref="ImageDecodeException">Empty, or the bytes start neither a PNG nor a JPEG.</exception>
    public static ImageFormat Detect(ReadOnlySpan<byte> encoded)
    {
        if (encoded.StartsWith(PngSignature))
            return ImageFormat.Png;
        if (encoded.StartsWith(JpegSignature))
            return ImageFormat.Jpeg;
        if (encoded.IsEmpty)
            throw new ImageDecodeException("empty (0 bytes), not an image");
        throw new ImageDecodeException(
            $"not a PNG or JPEG image: it starts with bytes {Convert.ToHexString(encoded[..Math.Min(8, encoded.Length)])}");
    }
}
