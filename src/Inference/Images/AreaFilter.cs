using System.Buffers;

namespace VaePipeline.Inference.Images;

/// <summary>
/// Resizes gray images with an area (box) filter: each output pixel is the exact area-weighted mean of the source
/// pixels its footprint covers, so downscaling by whole factors gives plain block means, odd factors weigh the split
/// pixels by the fraction they contribute, and upscaling repeats pixels (blending two where a footprint straddles
/// them) without ringing or overshoot.
/// </summary>
/// <remarks>
/// Along an axis of n source and m output pixels, measure positions in units of 1/(n·m) of the axis: source pixel i
/// spans [i·m, (i+1)·m) and output pixel o spans [o·n, (o+1)·n). Every overlap is then an integer, the weights of one
/// output add up to n, and the whole weighted sum is an exact integer; the only rounding is the final division.
/// </remarks>
public static class AreaFilter
{
    // Row sums above this many outputs live in a pooled array rather than on the stack.
    private const int MaxStackWidth = 256;

    private static readonly float[] intensity = Levels(invert: false);
    private static readonly float[] inverted = Levels(invert: true);

    /// <summary>
    /// Resizes <paramref name="source"/> to <paramref name="width"/> × <paramref name="height"/> and writes each output
    /// pixel's mean level m as an intensity m / 255 in [0, 1], or 1 − m / 255 with <paramref name="invert"/>, into
    /// <paramref name="destination"/> (row-major).
    /// </summary>
    public static void Resize(GrayImage source, int width, int height, bool invert, Span<float> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        if (destination.Length != (long)width * height)
            throw new ArgumentException($"{destination.Length} values do not hold a {width}×{height} image", nameof(destination));

        if (source.Width == width && source.Height == height)
        {
            // Each footprint is one pixel: a table lookup gives the same float as the exact division below.
            var levels = invert ? inverted : intensity;
            var pixels = source.Pixels;
            for (int i = 0; i < pixels.Length; i++)
                destination[i] = levels[pixels[i]];
            return;
        }

        long[]? rented = null;
        Span<long> sums = width <= MaxStackWidth
            ? stackalloc long[width]
            : (rented = ArrayPool<long>.Shared.Rent(width)).AsSpan(0, width);
        try
        {
            Resample(source, width, height, invert, sums, destination);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<long>.Shared.Return(rented);
        }
    }

    private static void Resample(GrayImage source, int width, int height, bool invert, Span<long> sums, Span<float> destination)
    {
        int sw = source.Width, sh = source.Height;
        var pixels = source.Pixels;
        // Each output's weights add up to sw across and sh down, on levels up to 255.
        long full = 255L * sw * sh;

        for (int oy = 0; oy < height; oy++)
        {
            sums.Clear();
            long top = (long)oy * sh, bottom = top + sh;
            for (int y = (int)(top / height), last = (int)((bottom - 1) / height); y <= last; y++)
            {
                long weight = Overlap(y, height, top, bottom);
                var row = pixels.Slice(y * sw, sw);
                for (int ox = 0; ox < width; ox++)
                    sums[ox] += weight * WeightedSum(row, (long)ox * sw, (long)(ox + 1) * sw, width);
            }

            var output = destination.Slice(oy * width, width);
            for (int ox = 0; ox < width; ox++)
                output[ox] = (float)((invert ? full - sums[ox] : sums[ox]) / (double)full);
        }
    }

    /// <summary>Σ overlap([i·m, (i+1)·m), [start, end)) · row[i]: the pixels of <paramref name="row"/> under one footprint.</summary>
    private static long WeightedSum(ReadOnlySpan<byte> row, long start, long end, int m)
    {
        int first = (int)(start / m), last = (int)((end - 1) / m);
        if (first == last)
            return (end - start) * row[first];

        // Only the two end pixels can be covered in part; every pixel between them is covered whole, by m.
        long inner = 0;
        foreach (byte level in row[(first + 1)..last])
            inner += level;
        return Overlap(first, m, start, end) * row[first] + m * inner + Overlap(last, m, start, end) * row[last];
    }

    private static long Overlap(int index, int m, long start, long end) =>
        Math.Min(end, (long)(index + 1) * m) - Math.Max(start, (long)index * m);

    private static float[] Levels(bool invert) =>
        Enumerable.Range(0, 256).Select(v => (float)((invert ? 255 - v : v) / 255.0)).ToArray();
}
