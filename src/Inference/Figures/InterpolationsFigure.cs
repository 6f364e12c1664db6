using VaePipeline.Data;
using VaePipeline.Inference.Onnx;
using VaePipeline.Inference.Images;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// interpolations.png: one row per pair of images, decoded at evenly spaced points on the straight line between their
/// posterior means; both ends included, so the first and last tiles are the pair's own reconstructions at μ.
/// Pairs: train images 0→1, 2→3, 4→5, then test images 0→1, 2→3, 4→5.
/// </summary>
public static class InterpolationsFigure
{
    public const string FileName = "interpolations.png";
    public const int Steps = 10;
    private const int PairsPerSplit = 3;

    public static GrayImage Draw(VaeEncoder encoder, VaeDecoder decoder, MnistSplit train, MnistSplit test)
    {
        var ends = Enumerable.Range(0, 2 * PairsPerSplit);
        var (trainMeans, _) = encoder.Encode(DigitTiles.Intensities(train, ends));
        var (testMeans, _) = encoder.Encode(DigitTiles.Intensities(test, ends));
        float[] means = [.. trainMeans, .. testMeans];
        int d = encoder.LatentSize, pairs = means.Length / (2 * d);
        var z = new float[pairs * Steps * d];
        for (int pair = 0; pair < pairs; pair++)
            for (int step = 0; step < Steps; step++)
            {
                float t = step / (Steps - 1f);
                for (int k = 0; k < d; k++)
                    z[(pair * Steps + step) * d + k] = (1 - t) * means[2 * pair * d + k] + t * means[(2 * pair + 1) * d + k];
            }
        return DigitTiles.Rows(GrayLevels.FromIntensities(decoder.Decode(z)), Steps);
    }
}
