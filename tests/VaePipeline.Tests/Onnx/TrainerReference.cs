using System.Buffers.Binary;
using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Model;

namespace VaePipeline.Tests.Onnx;

/// <summary>
/// What an exported pair must compute, by the trainer's own float32 forward pass (<see cref="Vae.Encode"/>,
/// <see cref="Vae.Decode"/> on the CPU backend). A check of any ONNX runtime is then a few lines:
/// <code>
///   var reference = TrainerReference.FromExport(dir);
///   var (mean, logSigma) = reference.Encode(Mnist.Test, indices);       // expected latent_mean, latent_log_sigma
///   feed TrainerReference.Pixels(Mnist.Test, indices) as "pixels" [indices.Length, 784] to encoder.onnx and compare;
///   likewise reference.Decode(z) against decoder.onnx's bernoulli_means for "latent" = z.
/// </code>
/// </summary>
public sealed class TrainerReference(VaeConfig config, float[] parameters)
{
    private const int P = MnistSplit.PixelsPerImage;

    public VaeConfig Config { get; } = config;

    public float[] Parameters { get; } = parameters;

    /// <summary>The config from the encoder's metadata and the weights from both files' initializers.</summary>
    public static TrainerReference FromExport(string directory)
    {
        var encoder = OnnxFiles.Encoder(directory);
        var config = VaeConfig.FromJson(OnnxFiles.Metadata(encoder)[OnnxContract.Metadata.Config]);
        var initializers = encoder.Graph.Initializer.Concat(OnnxFiles.Decoder(directory).Graph.Initializer).ToDictionary(t => t.Name);
        var layout = new ParameterLayout(config);
        var parameters = new float[layout.Count];
        foreach (var tensor in layout.Tensors)
        {
            var raw = initializers[tensor.Name].RawData.Span;
            Assert.Equal(tensor.Length * sizeof(float), raw.Length);
            for (int i = 0; i < tensor.Length; i++)
                parameters[tensor.Offset + i] = BinaryPrimitives.ReadSingleLittleEndian(raw[(i * sizeof(float))..]);
        }
        return new TrainerReference(config, parameters);
    }

    /// <summary>The encoder's ONNX input for these images: intensities pixel/255, [indices.Length, 784].</summary>
    public static float[] Pixels(MnistSplit split, int[] indices) =>
        indices.SelectMany(i => split.Image(i).ToArray()).Select(p => p / 255f).ToArray();

    /// <summary>μ and log σ, each [indices.Length, D], from the training's own pixel encoding.</summary>
    public (float[] Mean, float[] LogSigma) Encode(MnistSplit split, int[] indices)
    {
        int rows = indices.Length, d = Config.Latent;
        // Dynamic binarization is replaced by its expectation, the intensity itself, as the exported graph does.
        var binarization = Config.Binarization == Binarization.Dynamic ? Binarization.None : Config.Binarization;
        var x = new float[rows * P];
        new PixelEncoder(binarization, seed: 0).Fill(split, indices, draw: 0, x);

        using var backend = new CpuBackend();
        var model = Model(backend, rows);
        backend.Upload(x, model.Input.Sub(0, x.Length));
        model.Encode(rows);
        var h = new float[rows * 2 * d];
        backend.Download(model.EncoderOutput, h);
        var (mean, logSigma) = (new float[rows * d], new float[rows * d]);
        for (int r = 0; r < rows; r++)
        {
            h.AsSpan(r * 2 * d, d).CopyTo(mean.AsSpan(r * d));
            for (int j = 0; j < d; j++) logSigma[r * d + j] = Config.LogSigmaScale * h[r * 2 * d + d + j];
        }
        return (mean, logSigma);
    }

    /// <summary>sigmoid(logits) [rows, 784] for latent codes z [rows, D].</summary>
    public float[] Decode(float[] latent)
    {
        int rows = latent.Length / Config.Latent;
        using var backend = new CpuBackend();
        var model = Model(backend, rows);
        backend.Upload(latent, model.Latent.Sub(0, latent.Length));
        model.Decode(rows);
        var logits = new float[rows * Config.Input];
        backend.Download(model.Logits, logits);
        return logits.Select(l => 1f / (1f + MathF.Exp(-l))).ToArray();
    }

    private Vae Model(CpuBackend backend, int rows)
    {
        var model = new Vae(Config, backend, rows);
        backend.Upload(Parameters, model.Parameters);
        return model;
    }
}
