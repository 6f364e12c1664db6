using VaePipeline.Inference.Onnx;
using VaePipeline.Model;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Onnx;

/// <summary>
/// The ONNX Runtime sessions on exported models (seeded weights, a latent size other than 2 to show any D works): the
/// same numbers as the trainer, the contract checked at open, shared sessions under many threads.
/// </summary>
public class SessionTests
{
    private static readonly int[] Images = Enumerable.Range(0, 40).Select(i => i * 251).ToArray();

    internal static (TempDirectory Dir, TrainerReference Reference) Export(VaeConfig config)
    {
        var dir = new TempDirectory();
        OnnxGraphTests.Export(dir, config);
        return (dir, TrainerReference.FromExport(dir.Path));
    }

    [Fact]
    public void Encoder_and_decoder_reproduce_the_trainer()
    {
        var (dir, reference) = Export(new VaeConfig { Hidden = [64, 32], Latent = 5, Activation = Activation.Relu });
        using var _ = dir;
        using var encoder = VaeEncoder.Open(dir.File(OnnxContract.EncoderFile));
        using var decoder = VaeDecoder.Open(dir.File(OnnxContract.DecoderFile));
        Assert.Equal((784, 5), (encoder.PixelCount, encoder.LatentSize));
        Assert.Equal((5, 784), (decoder.LatentSize, decoder.PixelCount));

        var (mean, logSigma) = encoder.Encode(TrainerReference.Pixels(Mnist.Test, Images));
        var expected = reference.Encode(Mnist.Test, Images);
        AssertClose(expected.Mean, mean);
        AssertClose(expected.LogSigma, logSigma);
        AssertClose(reference.Decode(expected.Mean), decoder.Decode(mean));
    }

    [Fact]
    public void Open_checks_the_model_and_names_what_is_wrong()
    {
        var (dir, _) = Export(new VaeConfig { Hidden = [16] });
        using var _dir = dir;
        var wrongFile = Assert.Throws<InvalidDataException>(() => VaeEncoder.Open(dir.File(OnnxContract.DecoderFile)));
        Assert.Contains("no input 'pixels'", wrongFile.Message);
        Assert.Contains("latent float [N, 2]", wrongFile.Message);
        Assert.Throws<InvalidDataException>(() => VaeDecoder.Open(dir.File(OnnxContract.EncoderFile)));

        File.WriteAllText(dir.File("not-onnx.onnx"), "hello");
        var notOnnx = Assert.Throws<InvalidDataException>(() => VaeEncoder.Open(dir.File("not-onnx.onnx")));
        Assert.StartsWith($"{dir.File("not-onnx.onnx")}: ONNX Runtime cannot load it", notOnnx.Message);
        Assert.Contains("does not exist", Assert.Throws<FileNotFoundException>(() => VaeEncoder.Open(dir.File("missing.onnx"))).Message);
        Assert.Contains("is a folder", Assert.Throws<FileNotFoundException>(() => VaeEncoder.Open(dir.Path)).Message);

        using var encoder = VaeEncoder.Open(dir.File(OnnxContract.EncoderFile));
        Assert.Contains("not whole rows of 784", Assert.Throws<ArgumentException>(() => encoder.Encode(new float[20])).Message);
    }

    [Fact]
    public void Cuda_without_a_cuda_build_is_refused_with_the_reason()
    {
        var (dir, _) = Export(new VaeConfig { Hidden = [16] });
        using var _dir = dir;
        var e = Assert.Throws<InferenceDeviceException>(() =>
            VaeEncoder.Open(dir.File(OnnxContract.EncoderFile), new InferenceOptions { Device = InferenceDevice.Cuda }));
        Assert.Contains("no CUDA execution provider", e.Message);
        Assert.Contains("-p:OnnxRuntimeGpu=true", e.Message);
    }

    [Fact]
    public void One_shared_session_serves_many_threads()
    {
        var (dir, reference) = Export(new VaeConfig { Hidden = [32] });
        using var _ = dir;
        using var encoder = VaeEncoder.Open(dir.File(OnnxContract.EncoderFile));
        var batches = Enumerable.Range(0, 16).Select(b => Enumerable.Range(b * 37, 37).ToArray()).ToArray();
        var results = new (float[] Mean, float[] LogSigma)[batches.Length];
        Parallel.For(0, batches.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            b => results[b] = encoder.Encode(TrainerReference.Pixels(Mnist.Test, batches[b])));
        for (int b = 0; b < batches.Length; b++)
            AssertClose(reference.Encode(Mnist.Test, batches[b]).Mean, results[b].Mean);
    }

    [Fact]
    public void Grid_and_prior_helpers_lay_out_latents_as_drawn()
    {
        var (dir, reference) = Export(new VaeConfig { Hidden = [32] });
        using var _ = dir;
        using var decoder = VaeDecoder.Open(dir.File(OnnxContract.DecoderFile));
        var grid = decoder.GridLatents(side: 3, extent: 2f);
        Assert.Equal([-2f, 2f, 0f, 2f, 2f, 2f, -2f, 0f, 0f, 0f, 2f, 0f, -2f, -2f, 0f, -2f, 2f, -2f], grid);
        AssertClose(reference.Decode(grid), decoder.Decode(grid));

        var prior = decoder.PriorLatents(2000, seed: 5);
        Assert.Equal(prior, decoder.PriorLatents(2000, seed: 5));
        Assert.InRange(prior.Average(), -0.1, 0.1);
        Assert.InRange(prior.Select(v => v * v).Average(), 0.9, 1.1);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => decoder.Decode(new[] { float.NaN, 0f })).Message);
    }

    internal static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: {actual[i]:R} vs trainer {expected[i]:R}");
    }
}
