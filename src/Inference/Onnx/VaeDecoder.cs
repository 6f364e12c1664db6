using VaePipeline.Model;
using VaePipeline.Numerics;

namespace VaePipeline.Inference.Onnx;

/// <summary>
/// p(x|z) from an ONNX decoder: latents [N, D] → Bernoulli means [N, P] in (0, 1), in one ONNX Runtime run per call,
/// with the sampling helpers a user of a VAE wants (a latent grid, draws from the prior). One session serves every
/// caller; all methods may run on many threads at once.
/// </summary>
public sealed class VaeDecoder : IDisposable
{
    private static readonly string[] Outputs = [OnnxContract.BernoulliMeans];
    private readonly OnnxModel _model;
    private readonly int[] _outputWidths;

    private VaeDecoder(OnnxModel model)
    {
        _model = model;
        LatentSize = ModelSchema.Width(model.Source, model.Session.InputMetadata, OnnxContract.Latent, "input");
        PixelCount = ModelSchema.Width(model.Source, model.Session.OutputMetadata, OnnxContract.BernoulliMeans, "output");
        _outputWidths = [PixelCount];
    }

    /// <summary>Opens the decoder file at <paramref name="path"/> and checks it keeps the contract.</summary>
    /// <inheritdoc cref="VaeEncoder.Open" path="/exception"/>
    public static VaeDecoder Open(string path, InferenceOptions? options = null) => OnnxModel.Open(path, options, model => new VaeDecoder(model));

    /// <summary>D, the latent size.</summary>
    public int LatentSize { get; }

    /// <summary>P, the pixels per image the model writes.</summary>
    public int PixelCount { get; }

    public IReadOnlyDictionary<string, string> Metadata => _model.Metadata;

    /// <summary>Where the model was read from.</summary>
    public string Source => _model.Source;

    /// <summary>The model file's bytes, as read.</summary>
    internal byte[] ModelBytes => _model.Bytes;

    /// <summary>Bernoulli means [rows, P] for latents [rows, D].</summary>
    public float[] Decode(ReadOnlyMemory<float> latents)
    {
        var means = new float[ModelSchema.Rows(latents.Length, LatentSize, "latent") * PixelCount];
        Decode(latents, means);
        return means;
    }

    /// <summary>Writes the Bernoulli means of latents [rows, D] into <paramref name="means"/> ([rows, P]).</summary>
    /// <exception cref="ArgumentException">A latent is NaN or infinite, or the sizes do not fit.</exception>
    public void Decode(ReadOnlyMemory<float> latents, Memory<float> means)
    {
        int rows = ModelSchema.Rows(latents.Length, LatentSize, "latent");
        if (means.Length != rows * PixelCount)
            throw new ArgumentException($"{rows} latents need {rows * PixelCount} floats of Bernoulli means (got {means.Length})");
        if (rows == 0) return;
        foreach (float v in latents.Span)
            if (!float.IsFinite(v)) throw new ArgumentException($"latents must be finite numbers (found {v})");
        _model.Run(OnnxContract.Latent, latents, LatentSize, Outputs, [means], _outputWidths);
    }

    /// <summary>
    /// The latents of a side × side grid over [−extent, extent]² (D = 2 only), row-major as drawn: the first row is
    /// the top of the picture (z₂ = +extent), columns run left to right in z₁.
    /// </summary>
    public float[] GridLatents(int side, float extent)
    {
        if (LatentSize != 2) throw new InvalidOperationException($"a latent grid needs a 2-D latent space; this decoder's is {LatentSize}-D");
        if (side < 1) throw new ArgumentException($"grid side must be ≥ 1 (got {side})");
        if (!(extent > 0) || float.IsInfinity(extent)) throw new ArgumentException($"grid extent must be a positive number (got {extent})");
        var z = new float[checked(side * side * 2)];
        for (int row = 0; row < side; row++)
            for (int col = 0; col < side; col++)
            {
                z[(row * side + col) * 2] = Coordinate(col, side, extent);
                z[(row * side + col) * 2 + 1] = -Coordinate(row, side, extent);
            }
        return z;
    }

    /// <summary><paramref name="count"/> draws z ~ N(0, I), [count, D], reproducible from <paramref name="seed"/>.</summary>
    public float[] PriorLatents(int count, ulong seed)
    {
        if (count < 0) throw new ArgumentException($"sample count must be ≥ 0 (got {count})");
        var z = new float[checked(count * LatentSize)];
        new Rng(seed).FillGaussian(z);
        return z;
    }

    /// <summary>Position i of n evenly spaced points from −extent to +extent (the centre for n = 1).</summary>
    private static float Coordinate(int i, int n, float extent) => n == 1 ? 0 : -extent + 2 * extent * i / (n - 1);

    public void Dispose() => _model.Dispose();
}
