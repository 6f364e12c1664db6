using VaePipeline.Inference.Components;
using VaePipeline.Inference.OnnxRuntime;
using VaePipeline.Model;
using VaePipeline.Tests.Onnx;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Components;

/// <summary>
/// The encoder and decoder components on exported models (seeded weights, a latent size other than 2 to show any D
/// works): the same numbers as the trainer, named columns, schema checks at Fit, shared sessions under many threads.
/// </summary>
public class ComponentTests
{
    private static readonly int[] Images = Enumerable.Range(0, 40).Select(i => i * 251).ToArray();

    private static (TempDirectory Dir, TrainerReference Reference) Export(VaeConfig config)
    {
        var dir = new TempDirectory();
        OnnxGraphTests.Export(dir, config);
        return (dir, TrainerReference.FromExport(dir.Path));
    }

    [Fact]
    public void Encoder_and_decoder_reproduce_the_trainer_through_named_columns()
    {
        var (dir, reference) = Export(new VaeConfig { Hidden = [64, 32], Latent = 5, Activation = Activation.Relu });
        using var _ = dir;
        using var encoder = new VaeEncoderEstimator(dir.File(OnnxContract.EncoderFile), InputColumn: "Image", MeanColumn: "Mu", LogSigmaColumn: "LogSigma").Fit();
        using var decoder = new VaeDecoderEstimator(dir.File(OnnxContract.DecoderFile), InputColumn: "Mu", OutputColumn: "Reconstruction").Fit();
        Assert.Equal((784, 5), (encoder.PixelCount, encoder.LatentSize));
        Assert.Equal((5, 784), (decoder.LatentSize, decoder.PixelCount));

        var rows = new Columns(Images.Length).Add("Image", 784, TrainerReference.Pixels(Mnist.Test, Images));
        decoder.Transform(encoder.Transform(rows));

        var (mean, logSigma) = reference.Encode(Mnist.Test, Images);
        AssertClose(mean, rows["Mu"].Values);
        AssertClose(logSigma, rows["LogSigma"].Values);
        AssertClose(reference.Decode(mean), rows["Reconstruction"].Values);
    }

    [Fact]
    public void Fit_checks_the_schema_and_names_what_is_wrong()
    {
        var (dir, _) = Export(new VaeConfig { Hidden = [16] });
        using var _dir = dir;
        var wrongFile = Assert.Throws<InvalidDataException>(() => new VaeEncoderEstimator(dir.File(OnnxContract.DecoderFile)).Fit());
        Assert.Contains("no input 'pixels'", wrongFile.Message);
        Assert.Contains("latent float [N, 2]", wrongFile.Message);
        Assert.Throws<InvalidDataException>(() => new VaeDecoderEstimator(dir.File(OnnxContract.EncoderFile)).Fit());

        File.WriteAllText(dir.File("not-onnx.onnx"), "hello");
        Assert.Throws<OrtException>(() => new VaeEncoderEstimator(dir.File("not-onnx.onnx")).Fit());

        using var encoder = new VaeEncoderEstimator(dir.File(OnnxContract.EncoderFile)).Fit();
        var narrow = new Columns(2).Add(OnnxContract.Pixels, 10, new float[20]);
        Assert.Contains("the encoder reads 784", Assert.Throws<ArgumentException>(() => encoder.Transform(narrow)).Message);
        Assert.Contains("no column 'pixels'", Assert.Throws<ArgumentException>(() => encoder.Transform(new Columns(1))).Message);
    }

    [Fact]
    public void One_shared_session_serves_many_threads()
    {
        var (dir, reference) = Export(new VaeConfig { Hidden = [32] });
        using var _ = dir;
        using var encoder = new VaeEncoderEstimator(dir.File(OnnxContract.EncoderFile)).Fit();
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
        using var decoder = new VaeDecoderEstimator(dir.File(OnnxContract.DecoderFile)).Fit();
        var grid = decoder.GridLatents(side: 3, extent: 2f);
        Assert.Equal([-2f, 2f, 0f, 2f, 2f, 2f, -2f, 0f, 0f, 0f, 2f, 0f, -2f, -2f, 0f, -2f, 2f, -2f], grid);
        AssertClose(reference.Decode(grid), decoder.Decode(grid));

        var prior = decoder.PriorLatents(2000, seed: 5);
        Assert.Equal(prior, decoder.PriorLatents(2000, seed: 5));
        Assert.InRange(prior.Average(), -0.1, 0.1);
        Assert.InRange(prior.Select(v => v * v).Average(), 0.9, 1.1);
        Assert.Contains("finite", Assert.Throws<ArgumentException>(() => decoder.Decode(new[] { float.NaN, 0f })).Message);
    }

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-5 * Math.Max(1, Math.Abs(expected[i])), $"[{i}]: {actual[i]:R} vs trainer {expected[i]:R}");
    }
}
