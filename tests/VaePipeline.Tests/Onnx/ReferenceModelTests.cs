using Microsoft.ML.OnnxRuntime;
using VaePipeline.Data;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Onnx;

/// <summary>The committed reference model in onnx/: the contract, and that it still reconstructs real test digits.</summary>
public class ReferenceModelTests
{
    private static string Committed(string file) => Path.Combine(SharedData.RepositoryRoot, "onnx", file);

    [Fact]
    public void Committed_pair_keeps_the_contract()
    {
        using var encoder = new InferenceSession(Committed(OnnxContract.EncoderFile));
        using var decoder = new InferenceSession(Committed(OnnxContract.DecoderFile));
        var input = Assert.Single(encoder.InputMetadata);
        Assert.Equal(OnnxContract.Pixels, input.Key);
        Assert.Equal([-1, 784], input.Value.Dimensions);
        Assert.Equal([OnnxContract.LatentMean, OnnxContract.LatentLogSigma], encoder.OutputNames);
        Assert.All(encoder.OutputMetadata.Values, o => Assert.Equal([-1, 2], o.Dimensions));
        Assert.Equal(OnnxContract.Latent, Assert.Single(decoder.InputMetadata).Key);
        Assert.Equal([-1, 2], decoder.InputMetadata[OnnxContract.Latent].Dimensions);
        Assert.Equal([-1, 784], Assert.Single(decoder.OutputMetadata).Value.Dimensions);
        var config = VaeConfig.FromJson(encoder.ModelMetadata.CustomMetadataMap[OnnxContract.Metadata.Config]);
        Assert.True(config.SameAs(new VaeConfig()), "the reference model is the K&W default configuration");
    }

    /// <summary>
    /// Encode the first 1,000 test digits, decode their posterior means, and score the binarized digits under the
    /// Bernoulli means: the model's reconstruction term was −138.1 nats at sampled z, so at the mean it must beat −145.
    /// </summary>
    [Fact]
    public void Committed_pair_reconstructs_test_digits()
    {
        const int n = 1000, p = MnistSplit.PixelsPerImage;
        var pixels = new float[n * p];
        for (int i = 0; i < pixels.Length; i++) pixels[i] = Mnist.Test.Pixels[i] / 255f;
        using var encoder = VaeEncoder.Open(Committed(OnnxContract.EncoderFile));
        using var decoder = VaeDecoder.Open(Committed(OnnxContract.DecoderFile));
        var bernoulli = decoder.Decode(encoder.Encode(pixels).Mean);
        double logLik = 0;
        for (int i = 0; i < n * p; i++)
        {
            double q = Math.Clamp(bernoulli[i], 1e-7, 1 - 1e-7);
            logLik += Mnist.Test.Pixels[i] >= 128 ? Math.Log(q) : Math.Log(1 - q);
        }
        Assert.True(logLik / n > -145, $"reconstruction log-likelihood at the posterior mean: {logLik / n:F2} nats");
    }
}
