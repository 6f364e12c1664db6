using VaePipeline.Data;
using VaePipeline.Inference.Completion;
using VaePipeline.Model;
using VaePipeline.Tests.Report;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Svi;

/// <summary>The committed reference decoder (onnx/decoder.onnx, trained on all of MNIST) and test image 0's top half, read once.</summary>
internal static class CompletionModel
{
    private static readonly Lazy<DecoderWeights> Weights = new(() => OnnxDecoderWeights.Read(Path.Combine(ReportRun.ModelDir, OnnxContract.DecoderFile)));

    public static DecoderWeights DecoderWeights => Weights.Value;

    /// <summary>Test image <paramref name="index"/>, statically binarized as the reference model was trained.</summary>
    public static TopHalfPosterior Posterior(int index = 0)
    {
        float[] x = [.. Mnist.Test.Image(index).ToArray().Select(p => p >= 128 ? 1f : 0f)];
        return new TopHalfPosterior(new LatentDecoder(DecoderWeights), x, MnistSplit.Width);
    }
}
