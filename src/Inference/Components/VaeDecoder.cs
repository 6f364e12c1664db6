using VaePipeline.Inference.OnnxRuntime;
using VaePipeline.Model;
using VaePipeline.Numerics;

namespace VaePipeline.Inference.Components;

/// <summary>
/// Configures a decoder (ML.NET's estimator role): which ONNX file, which column holds latents and which receives the
/// Bernoulli means. <see cref="Fit"/> opens the model, checks its schema and returns the transformer.
/// </summary>
public sealed record VaeDecoderEstimator(
    string ModelPath,
    string InputColumn = OnnxContract.Latent,
    string OutputColumn = OnnxContract.BernoulliMeans,
    OrtSessionOptions? Session = null)
{
    /// <exception cref="InvalidDataException">The model does not keep the decoder contract; the message says how.</exception>
    /// <exception cref="OrtException">ONNX Runtime cannot open the file.</exception>
    public VaeDecoder Fit() => new(this);
}

/// <summary>
/// p(x|z) from an ONNX decoder (ML.NET's transformer role): latents [N, D] → Bernoulli means [N, P] in (0, 1), with
/// the sampling helpers a user of a VAE wants (a latent grid, draws from the prior). One session serves every
/// caller; all methods may run on many threads at once.
/// </summary>
public sealed class VaeDecoder : IDisposable
{
    private readonly OrtSession _session;
    private readonly VaeDecoderEstimator _settings;

    internal VaeDecoder(VaeDecoderEstimator settings)
    {
        _settings = settings;
        _session = OrtSession.Open(settings.ModelPath, settings.Session);
        try
        {
            LatentSize = ModelSchema.Width(settings.ModelPath, _session.Inputs, OnnxContract.Latent, "input");
            PixelCount = ModelSchema.Width(settings.ModelPath, _session.Outputs, OnnxContract.BernoulliMeans, "output");
        }
        catch
        {
            _session.Dispose();
            throw;
        }
    }

    public int LatentSize { get; }

    public int PixelCount { get; }

    public IReadOnlyDictionary<string, string> Metadata => _session.Metadata.Custom;

    /// <summary>Adds the Bernoulli-means column for every row of the latent column.</summary>
    public Columns Transform(Columns input)
    {
        var latents = input[_settings.InputColumn];
        if (latents.Width != LatentSize)
            throw new ArgumentException($"column {latents.Name} holds {latents.Width} values per row; the decoder reads {LatentSize}");
        return input.Add(_settings.OutputColumn, PixelCount, Decode(latents.Values));
    }

    /// <summary>Bernoulli means [rows, P] for latents [rows, D], in one batched run.</summary>
    public float[] Decode(ReadOnlyMemory<float> latents)
    {
        int rows = ModelSchema.Rows(latents.Length, LatentSize, "latent");
        if (rows == 0) return [];
        foreach (float v in latents.Span)
            if (!float.IsFinite(v)) throw new ArgumentException($"latents must be finite numbers (found {v})");
        return _session.Run(new Dictionary<string, InputTensor> { [OnnxContract.Latent] = new(latents, rows, LatentSize) })[OnnxContract.BernoulliMeans].Data;
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
        var z = new float[side * side * 2];
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
        var z = new float[count * LatentSize];
        new Rng(seed).FillGaussian(z);
        return z;
    }

    /// <summary>Position i of n evenly spaced points from −extent to +extent (the centre for n = 1).</summary>
    private static float Coordinate(int i, int n, float extent) => n == 1 ? 0 : -extent + 2 * extent * i / (n - 1);

    public void Dispose() => _session.Dispose();
}
