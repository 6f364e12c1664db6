namespace VaePipeline.Inference.Images;

/// <summary>Intensities in [0, 1] (a decoder's Bernoulli means) as the 8-bit levels of a <see cref="GrayImage"/>.</summary>
public static class GrayLevels
{
    /// <summary>
    /// Level round(clamp(v, 0, 1) · 255) for every intensity v, halves rounded up. The product is taken in double,
    /// where it is exact for every float, so the level is the true rounding and never depends on float error.
    /// </summary>
    /// <exception cref="ArgumentException">An intensity is NaN: it has no level, and 0 would hide the fault.</exception>
    public static byte[] FromIntensities(ReadOnlySpan<float> intensities)
    {
        var levels = new byte[intensities.Length];
        for (int i = 0; i < intensities.Length; i++)
        {
            float v = intensities[i];
            if (float.IsNaN(v)) throw new ArgumentException($"intensity {i} is NaN", nameof(intensities));
            levels[i] = (byte)Math.Round(Math.Clamp(v, 0f, 1f) * 255.0, MidpointRounding.AwayFromZero);
        }
        return levels;
    }
}
