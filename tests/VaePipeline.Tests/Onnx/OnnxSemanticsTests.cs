using VaePipeline.Data;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;
using VaePipeline.Numerics;
using VaePipeline.Tests.Training;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Onnx;

namespace VaePipeline.Tests.Onnx;

/// <summary>
/// The exported graphs reproduce the trainer's float32 forward pass on real MNIST test images, for briefly trained
/// models of every activation, binarization and posterior head, in two independent consumers: the test's own
/// double-precision interpreter, and ONNX Runtime itself (the real library, through the project's binding).
/// </summary>
public class OnnxSemanticsTests
{
    private const double Tolerance = 1e-5;

    /// <summary>Every 157th test image: all digits, and inputs the model was not trained on.</summary>
    private static readonly int[] Images = Enumerable.Range(0, 64).Select(i => i * 157).ToArray();

    [Theory]
    [InlineData(Activation.Tanh, Binarization.Static, "500", 2)] // Kingma & Welling
    [InlineData(Activation.Relu, Binarization.None, "64,32", 5)]
    [InlineData(Activation.Elu, Binarization.Dynamic, "48,24,12", 5)]
    [InlineData(Activation.Softplus, Binarization.Static, "40,20", 3)]
    [InlineData(Activation.Elu, Binarization.None, "64,32", 2, PosteriorHead.LogVariance)] // the elu-deep write-up's head
    public void Graphs_reproduce_the_trainers_forward_pass(Activation activation, Binarization binarization, string hidden, int latent,
        PosteriorHead posterior = PosteriorHead.LogSigma)
    {
        using var dir = new TempDirectory();
        var config = new VaeConfig
        {
            Activation = activation, Binarization = binarization, Hidden = hidden.Split(',').Select(int.Parse).ToArray(), Latent = latent,
            Posterior = posterior,
        };
        var checkpoint = Train(dir.File("run"), config);
        string export = dir.File("onnx");
        OnnxExport.Write(export, checkpoint.Model, checkpoint.Parameters, ExportMetadata.FromCheckpoint(checkpoint));
        var reference = TrainerReference.FromExport(export);
        Assert.Equal(checkpoint.Parameters, reference.Parameters);

        var (mean, logSigma) = reference.Encode(Mnist.Test, Images);
        var encoded = new OnnxInterpreter(OnnxFiles.Encoder(export)).Run(new Dictionary<string, DoubleTensor>
        {
            ["pixels"] = DoubleTensor.Matrix(Images.Length, TrainerReference.Pixels(Mnist.Test, Images)),
        });
        AssertClose("latent_mean", encoded["latent_mean"].Values, mean);
        AssertClose("latent_log_sigma", encoded["latent_log_sigma"].Values, logSigma);
        using (var encoder = VaeEncoder.Open(Path.Combine(export, OnnxContract.EncoderFile)))
        {
            var ort = encoder.Encode(TrainerReference.Pixels(Mnist.Test, Images));
            AssertClose("ORT latent_mean", ort.Mean, mean);
            AssertClose("ORT latent_log_sigma", ort.LogSigma, logSigma);
        }

        // Posterior means of real images, then draws from the prior N(0, I) a decoder is sampled with.
        var prior = new float[Images.Length * latent];
        Rng.For(42, RngStream.Noise, 0).FillGaussian(prior);
        float[] z = [.. mean, .. prior];
        var decoded = new OnnxInterpreter(OnnxFiles.Decoder(export)).Run(new Dictionary<string, DoubleTensor>
        {
            ["latent"] = DoubleTensor.Matrix(2 * Images.Length, z),
        });
        var means = reference.Decode(z);
        AssertClose("bernoulli_means", decoded["bernoulli_means"].Values, means);
        using var decoder = VaeDecoder.Open(Path.Combine(export, OnnxContract.DecoderFile));
        var ortMeans = decoder.Decode(z);
        Assert.Equal(2 * Images.Length * MnistSplit.PixelsPerImage, ortMeans.Length);
        AssertClose("ORT bernoulli_means", ortMeans, means);
    }

    [Fact]
    public void Static_binarization_agrees_with_the_trainers_for_every_pixel_value()
    {
        using var dir = new TempDirectory();
        var config = new VaeConfig { Hidden = [8] };
        OnnxGraphTests.Export(dir, config);
        var pixels = Enumerable.Range(0, MnistSplit.PixelsPerImage).Select(i => (byte)(i % 256)).ToArray();
        var image = new MnistSplit(pixels, [0]);

        var model = OnnxFiles.Encoder(dir.Path);
        var values = new OnnxInterpreter(model).Run(new Dictionary<string, DoubleTensor>
        {
            ["pixels"] = DoubleTensor.Matrix(1, TrainerReference.Pixels(image, [0])),
        });
        var x = new float[pixels.Length];
        new PixelEncoder(Binarization.Static, seed: 0).Fill(image, [0], draw: 0, x);
        Assert.Equal(x.Select(v => (double)v), values[model.Graph.Node.Single(n => n.OpType == "Cast").Output[0]].Values);
    }

    /// <summary>The first 500 test images: the trainer scores its last step on them, and all 10,000 would only cost time.</summary>
    private static readonly MnistSplit ScoredImages = new(Mnist.Test.Pixels[..(500 * MnistSplit.PixelsPerImage)], Mnist.Test.Labels[..500]);

    private static TrainingCheckpoint Train(string directory, VaeConfig config)
    {
        using var backend = new CpuBackend();
        var options = new TrainingOptions { Steps = 10, TrainSize = 1000, BatchSize = 100, Seed = 2 };
        using (var trainer = new Trainer(config, options, Mnist.Train, ScoredImages, NativeEngine.On(backend), directory))
            trainer.Run(new RecordingObserver());
        return CheckpointStore.Load(directory);
    }

    /// <summary>|consumer − trainer| ≤ 1e-5 · max(1, |consumer|), element by element.</summary>
    private static void AssertClose<T>(string name, IReadOnlyList<T> actual, float[] expected) where T : IConvertible
    {
        Assert.Equal(expected.Length, actual.Count);
        for (int i = 0; i < expected.Length; i++)
        {
            double value = actual[i].ToDouble(null), error = Math.Abs(value - expected[i]);
            Assert.True(error <= Tolerance * Math.Max(1, Math.Abs(value)),
                $"{name}[{i}]: graph {value:R}, trainer {expected[i]:R} (error {error:E2})");
        }
    }
}
