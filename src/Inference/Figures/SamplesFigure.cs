using VaePipeline.Inference.Onnx;
using VaePipeline.Inference.Images;
using VaePipeline.Numerics;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// samples.png: draws from the generative model. Top row the Bernoulli means p(x|z) for z ~ N(0, I); below each one
/// binary image x ~ Bernoulli(means), which is what the model actually generates (the means are its average).
/// </summary>
public static class SamplesFigure
{
    public const string FileName = "samples.png";
    public const int Count = 10;

    public static GrayImage Draw(VaeDecoder decoder, ulong seed)
    {
        float[] means = decoder.Decode(decoder.PriorLatents(Count, seed));
        var binary = new float[means.Length];
        var rng = Rng.For(seed, RngStream.Binarize, 0);
        for (int i = 0; i < means.Length; i++) binary[i] = rng.NextFloat() < means[i] ? 1 : 0;
        return DigitTiles.Rows([.. GrayLevels.FromIntensities(means), .. GrayLevels.FromIntensities(binary)], Count);
    }
}
