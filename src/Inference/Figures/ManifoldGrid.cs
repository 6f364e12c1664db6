using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// The latents of a square grid over a 2-D latent space, row-major as drawn (top row z₂ largest), with the
/// coordinates its columns take along z₁ (its rows take the same values along z₂, from the bottom up).
/// </summary>
public sealed record ManifoldGrid(double[] Coordinates, float[] Latents, string Description)
{
    public int Side => Coordinates.Length;

    /// <summary>side × side points evenly spaced over [−extent, extent]², the decoder's own grid.</summary>
    public static ManifoldGrid Even(VaeDecoder decoder, int side, float extent)
    {
        float[] latents = decoder.GridLatents(side, extent);
        // The top row runs through every z₁ coordinate, left to right.
        double[] coordinates = [.. Enumerable.Range(0, side).Select(col => (double)latents[col * 2])];
        return new(coordinates, latents, $"{side}×{side} grid over [−{extent}, {extent}]²");
    }

    /// <summary>
    /// side × side points at the normal quantiles Φ⁻¹((i + 0.5)/side), as Kingma &amp; Welling draw it: equal prior
    /// mass between neighbouring tiles, so the picture shows the latent space as the prior weighs it.
    /// </summary>
    public static ManifoldGrid Quantiles(int side)
    {
        double[] coordinates = [.. Enumerable.Range(0, side).Select(i => InverseNormal.Quantile((i + 0.5) / side))];
        var latents = new float[side * side * 2];
        for (int row = 0; row < side; row++)
            for (int col = 0; col < side; col++)
            {
                latents[(row * side + col) * 2] = (float)coordinates[col];
                latents[(row * side + col) * 2 + 1] = (float)coordinates[side - 1 - row];
            }
        return new(coordinates, latents, $"{side}×{side} grid at the normal quantiles Φ⁻¹((i+0.5)/{side})");
    }
}
