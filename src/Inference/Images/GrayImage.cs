namespace VaePipeline.Inference.Images;

/// <summary>
/// An 8-bit grayscale image: <see cref="Width"/> × <see cref="Height"/> levels 0 (black) .. 255 (white), row-major,
/// no padding. A view: it does not own <see cref="Pixels"/>, so one returned by <see cref="GrayImageDecoder"/> is
/// valid only until that decoder's next call.
/// </summary>
public readonly ref struct GrayImage
{
    public GrayImage(int width, int height, ReadOnlySpan<byte> pixels)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (pixels.Length != (long)width * height)
            throw new ArgumentException($"{pixels.Length} pixels do not make a {width}×{height} image", nameof(pixels));
        Width = width;
        Height = height;
        Pixels = pixels;
    }

    public int Width { get; }

    public int Height { get; }

    public ReadOnlySpan<byte> Pixels { get; }
}
