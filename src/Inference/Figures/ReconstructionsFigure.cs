using VaePipeline.Data;
using VaePipeline.Inference.Onnx;
using VaePipeline.Inference.Images;
using VaePipeline.Numerics;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// reconstructions.png: the first test images (top row) and below each the decoder's means at one z drawn from
/// q(z|x) = N(μ, σ²): a reconstruction as the ELBO's reconstruction term sees it, not at the posterior mean.
/// </summary>
public static class ReconstructionsFigure
{
    public const string FileName = "reconstructions.png";
    public const int Count = 10;

    public static GrayImage Draw(VaeEncoder encoder, VaeDecoder decoder, MnistSplit test, ulong seed)
    {
        var (mean, logSigma) = encoder.Encode(DigitTiles.Intensities(test, Enumerable.Range(0, Count)));
        var z = new float[mean.Length];
        Rng.For(seed, RngStream.Noise, 0).FillGaussian(z);
        for (int i = 0; i < z.Length; i++) z[i] = mean[i] + MathF.Exp(logSigma[i]) * z[i];
        byte[] originals = test.Pixels[..(Count * MnistSplit.PixelsPerImage)];
        return DigitTiles.Rows([.. originals, .. GrayLevels.FromIntensities(decoder.Decode(z))], Count);
    }
}
