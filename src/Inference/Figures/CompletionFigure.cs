using VaePipeline.Inference.Completion;
using VaePipeline.Inference.Images;
using VaePipeline.Numerics;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// completion.png, one row of tiles: the original image; its top half with the bottom half gray (unobserved); then
/// completions, the observed top half above the decoder's Bernoulli means at a z drawn from the fitted q.
/// </summary>
public static class CompletionFigure
{
    public const string FileName = "completion.png";
    public const int Completions = 5;
    private const byte Unobserved = 128;

    public static GrayImage Draw(ReadOnlySpan<byte> original, TopHalfPosterior posterior, DiagonalGaussian fitted, ulong seed)
    {
        int pixels = original.Length, observed = TopHalfPosterior.ObservedRows * DigitTiles.Side;
        var tiles = new byte[(2 + Completions) * pixels];
        original.CopyTo(tiles);
        var topHalf = tiles.AsSpan(pixels, pixels);
        topHalf.Fill(Unobserved);
        original[..observed].CopyTo(topHalf);
        var epsilon = new float[Completions * fitted.Mean.Length];
        // A stream of its own, so the completions' z do not reuse any of the fit's draws.
        Rng.For(seed, RngStream.Evaluation, 0).FillGaussian(epsilon);
        for (int c = 0; c < Completions; c++)
        {
            int d = fitted.Mean.Length;
            double[] z = fitted.Draw(Array.ConvertAll(epsilon[(c * d)..((c + 1) * d)], v => (double)v));
            float[] means = Array.ConvertAll(posterior.Decoder.Logits(z), l => (float)(1 / (1 + Math.Exp(-l))));
            var tile = tiles.AsSpan((2 + c) * pixels, pixels);
            GrayLevels.FromIntensities(means).CopyTo(tile);
            original[..observed].CopyTo(tile);
        }
        return DigitTiles.Rows(tiles, 2 + Completions);
    }
}
