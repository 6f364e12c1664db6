using VaePipeline.Inference.OnnxRuntime;
using VaePipeline.Model;

namespace VaePipeline.Inference.Components;

/// <summary>
/// Configures an encoder (ML.NET's estimator role): which ONNX file, which input column holds the pixels and which
/// columns receive μ and log σ. <see cref="Fit"/> opens the model, checks its schema and returns the transformer.
/// Column names default to the ONNX contract's tensor names.
/// </summary>
public sealed record VaeEncoderEstimator(
    string ModelPath,
    string InputColumn = OnnxContract.Pixels,
    string MeanColumn = OnnxContract.LatentMean,
    string LogSigmaColumn = OnnxContract.LatentLogSigma,
    OrtSessionOptions? Session = null)
{
    /// <exception cref="InvalidDataException">The model does not keep the encoder contract; the message says how.</exception>
    /// <exception cref="OrtException">ONNX Runtime cannot open the file.</exception>
    public VaeEncoder Fit() => new(this);
}

/// <summary>
/// q(z|x) from an ONNX encoder (ML.NET's transformer role): pixels [N, P] in [0, 1] → μ and log σ [N, D]. Works with
/// any model that keeps the contract (input <c>pixels</c>, outputs <c>latent_mean</c> and <c>latent_log_sigma</c>),
/// whatever its D. One ONNX Runtime session serves every caller; <see cref="Transform"/> and <see cref="Encode"/> may
/// run on many threads at once.
/// </summary>
public sealed class VaeEncoder : IDisposable
{
    private readonly OrtSession _session;
    private readonly VaeEncoderEstimator _settings;
    private static readonly string[] Outputs = [OnnxContract.LatentMean, OnnxContract.LatentLogSigma];

    internal VaeEncoder(VaeEncoderEstimator settings)
    {
        _settings = settings;
        _session = OrtSession.Open(settings.ModelPath, settings.Session);
        try
        {
            PixelCount = ModelSchema.Width(settings.ModelPath, _session.Inputs, OnnxContract.Pixels, "input");
            LatentSize = ModelSchema.Width(settings.ModelPath, _session.Outputs, OnnxContract.LatentMean, "output");
            if (ModelSchema.Width(settings.ModelPath, _session.Outputs, OnnxContract.LatentLogSigma, "output") != LatentSize)
                throw new InvalidDataException($"{settings.ModelPath}: latent_mean and latent_log_sigma differ in width");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    /// <summary>P, the pixels per image the model reads (784 for MNIST).</summary>
    public int PixelCount { get; }

    /// <summary>D, the latent size.</summary>
    public int LatentSize { get; }

    /// <summary>The model's metadata_props (config, preprocessing, training data, scores).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _session.Metadata.Custom;

    /// <summary>Adds the mean and log σ columns for every row of the input column.</summary>
    public Columns Transform(Columns input)
    {
        var pixels = input[_settings.InputColumn];
        if (pixels.Width != PixelCount)
            throw new ArgumentException($"column {pixels.Name} holds {pixels.Width} values per row; the encoder reads {PixelCount}");
        var (mean, logSigma) = Encode(pixels.Values);
        return input.Add(_settings.MeanColumn, LatentSize, mean).Add(_settings.LogSigmaColumn, LatentSize, logSigma);
    }

    /// <summary>μ and log σ, [rows, D] each, for pixels [rows, P] in [0, 1], in one batched run.</summary>
    public (float[] Mean, float[] LogSigma) Encode(ReadOnlyMemory<float> pixels)
    {
        int rows = ModelSchema.Rows(pixels.Length, PixelCount, "pixels");
        if (rows == 0) return ([], []);
        var outputs = _session.Run(new Dictionary<string, InputTensor> { [OnnxContract.Pixels] = new(pixels, rows, PixelCount) }, Outputs);
        return (outputs[OnnxContract.LatentMean].Data, outputs[OnnxContract.LatentLogSigma].Data);
    }

    public void Dispose() => _session.Dispose();
}
