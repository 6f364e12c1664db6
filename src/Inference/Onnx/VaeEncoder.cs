using VaePipeline.Model;

namespace VaePipeline.Inference.Onnx;

/// <summary>
/// q(z|x) from an ONNX encoder: pixels [N, P] in [0, 1] → μ and log σ [N, D], in one ONNX Runtime run per call. Works
/// with any model that keeps the contract (input <c>pixels</c>, outputs <c>latent_mean</c> and <c>latent_log_sigma</c>),
/// whatever its P and D. One session serves every caller; all methods may run on many threads at once.
/// </summary>
public sealed class VaeEncoder : IDisposable
{
    private static readonly string[] Outputs = [OnnxContract.LatentMean, OnnxContract.LatentLogSigma];
    private readonly OnnxModel _model;
    private readonly int[] _outputWidths;

    private VaeEncoder(OnnxModel model)
    {
        _model = model;
        var session = model.Session;
        PixelCount = ModelSchema.Width(model.Source, session.InputMetadata, OnnxContract.Pixels, "input");
        LatentSize = ModelSchema.Width(model.Source, session.OutputMetadata, OnnxContract.LatentMean, "output");
        if (ModelSchema.Width(model.Source, session.OutputMetadata, OnnxContract.LatentLogSigma, "output") != LatentSize)
            throw new InvalidDataException($"{model.Source}: latent_mean and latent_log_sigma differ in width");
        _outputWidths = [LatentSize, LatentSize];
    }

    /// <summary>Opens the encoder file at <paramref name="path"/> and checks it keeps the contract.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Not an ONNX model, or not an encoder (the message says what it lacks).</exception>
    /// <exception cref="InferenceDeviceException">The device asked for cannot start.</exception>
    public static VaeEncoder Open(string path, InferenceOptions? options = null) => OnnxModel.Open(path, options, model => new VaeEncoder(model));

    /// <summary>P, the pixels per image the model reads (784 for MNIST).</summary>
    public int PixelCount { get; }

    /// <summary>D, the latent size.</summary>
    public int LatentSize { get; }

    /// <summary>The model's metadata_props (config, preprocessing, training data, scores).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _model.Metadata;

    /// <summary>Where the model was read from.</summary>
    public string Source => _model.Source;

    /// <summary>The model file's bytes, as read.</summary>
    internal byte[] ModelBytes => _model.Bytes;

    /// <summary>μ and log σ, [rows, D] each, for pixels [rows, P] in [0, 1].</summary>
    public (float[] Mean, float[] LogSigma) Encode(ReadOnlyMemory<float> pixels)
    {
        int rows = ModelSchema.Rows(pixels.Length, PixelCount, "pixel");
        var (mean, logSigma) = (new float[rows * LatentSize], new float[rows * LatentSize]);
        Encode(pixels, mean, logSigma);
        return (mean, logSigma);
    }

    /// <summary>Writes μ and log σ of pixels [rows, P] into <paramref name="mean"/> and <paramref name="logSigma"/> ([rows, D] each).</summary>
    public void Encode(ReadOnlyMemory<float> pixels, Memory<float> mean, Memory<float> logSigma)
    {
        int rows = ModelSchema.Rows(pixels.Length, PixelCount, "pixel");
        if (mean.Length != rows * LatentSize || logSigma.Length != rows * LatentSize)
            throw new ArgumentException($"{rows} images need {rows * LatentSize} floats of μ and of log σ (got {mean.Length} and {logSigma.Length})");
        if (rows == 0) return;
        _model.Run(OnnxContract.Pixels, pixels, PixelCount, Outputs, [mean, logSigma], _outputWidths);
    }

    public void Dispose() => _model.Dispose();
}
