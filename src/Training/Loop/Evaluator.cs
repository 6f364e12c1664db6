using System.Buffers;
using VaePipeline.Model;
using VaePipeline.Data;
using VaePipeline.Numerics;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Model;

namespace VaePipeline.Training.Loop;

/// <summary>Per-image averages of an ELBO pass: ELBO = reconstruction (log p(x|z)) − KL.</summary>
public readonly record struct ElboTotals(double Elbo, double Reconstruction, double Kl);

/// <summary>
/// Scores a model on a whole split with fixed noise, so the same weights always give the same numbers:
/// the ELBO (one z per image, β = 1) and the importance-weighted bound of Burda et al.,
/// log p(x) ≥ E[log (1/k) Σᵢ p(x, zᵢ)/q(zᵢ|x)], which tightens towards log p(x) as k grows.
/// </summary>
public sealed class Evaluator
{
    private const int P = MnistSplit.PixelsPerImage;
    private const ulong EvaluationSeed = 0x5EED; // independent of the training seed: runs are compared on the same noise
    /// <summary>Rows per forward pass; fixed, because the noise is drawn per batch.</summary>
    public const int Batch = 1000;
    private readonly IBackend _backend;
    private readonly Vae _model;
    private readonly PixelEncoder _pixels;
    private readonly RowTerms _terms;

    /// <param name="trained">The model whose weights are scored (shared, not copied).</param>
    public Evaluator(Vae trained, IBackend backend)
    {
        _backend = backend;
        _model = new Vae(trained.Config, backend, Batch, trained.Parameters);
        // Test images are binarized once, the same way every time (a fixed draw for dynamic binarization).
        _pixels = new PixelEncoder(trained.Config.Binarization, EvaluationSeed);
        _terms = new RowTerms(backend, Batch);
    }

    /// <summary>The ELBO of <paramref name="split"/> under the model's current weights.</summary>
    public ElboTotals Elbo(MnistSplit split) => Elbo(split, _model.Config, Score);

    /// <summary>
    /// The one definition of the reported ELBO, for any engine: the split in batches of <see cref="Batch"/>, encoded by a
    /// fixed draw, with the evaluation noise stream, scored by <paramref name="score"/>, averaged per image.
    /// </summary>
    public static ElboTotals Elbo(MnistSplit split, VaeConfig config, Scorer score)
    {
        var pixels = new PixelEncoder(config.Binarization, EvaluationSeed);
        int capacity = Math.Min(Batch, split.Count), d = config.Latent;
        // The staging buffers (3 MB of pixels) are rented: training scores the test split after every epoch, and a
        // new large array each time grew the native engine's resident memory by 3 MB an epoch, 157 to 395 MB over 100
        // epochs, before the garbage collector's first full collection returned any of it.
        var pool = ArrayPool<float>.Shared;
        float[] x = pool.Rent(capacity * P), eps = pool.Rent(capacity * d);
        var indices = new int[capacity];
        try
        {
            double sumLogLik = 0, sumKl = 0;
            for (int start = 0; start < split.Count; start += capacity)
            {
                int rows = Math.Min(capacity, split.Count - start);
                for (int i = 0; i < rows; i++)
                    indices[i] = start + i;
                pixels.Fill(split, indices.AsSpan(0, rows), draw: 0, x);
                Rng.For(EvaluationSeed, RngStream.Evaluation, start).FillGaussian(eps.AsSpan(0, rows * d));
                var terms = score(x.AsSpan(0, rows * P), eps.AsSpan(0, rows * d), rows);
                sumLogLik += terms.LogLikelihood;
                sumKl += terms.Kl;
            }
            return new ElboTotals((sumLogLik - sumKl) / split.Count, sumLogLik / split.Count, sumKl / split.Count);
        }
        finally
        {
            pool.Return(x);
            pool.Return(eps);
        }
    }

    /// <summary>Scores one batch of at most <see cref="Batch"/> rows: see <see cref="ITrainingEngine.Score"/>.</summary>
    public delegate BatchTerms Scorer(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, int rows);

    /// <summary>Forward pass without gradients on these weights; see <see cref="ITrainingEngine.Score"/>.</summary>
    public BatchTerms Score(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, int rows)
    {
        _backend.Upload(x, _model.Input.Sub(0, x.Length));
        _backend.Upload(eps, _model.Noise.Sub(0, eps.Length));
        _model.Forward(rows, withGradient: false);
        return _terms.Sum(_model, rows);
    }

    /// <summary>The most importance samples per image: the bound barely moves beyond a few thousand, and 10,000 images at this k already take days.</summary>
    public const int MaxImportanceSamples = 1_000_000;

    /// <summary>Rows of one IWAE forward pass; buffers never exceed it, whatever k is. Tests lower it to compare chunkings.</summary>
    internal int ImportanceRowsPerPass { get; init; } = Batch;

    /// <summary>
    /// Mean over images of log (1/k) Σᵢ exp(log p(x|zᵢ) + log p(zᵢ) − log q(zᵢ|x)) with zᵢ ~ q(z|x).
    /// The log-weight is log p(x|z) minus the single-sample KL estimate, which is exactly log q − log p.
    /// Each image is encoded once; its posterior row is repeated for sampling and decoding, several images per pass
    /// when k is small, and k &gt; <see cref="ImportanceRowsPerPass"/> in passes of that many samples, whose log-sum-exps
    /// are merged, so memory stays bounded. Each image's noise is one stream read in order, so the chunking does not
    /// change the draws.
    /// </summary>
    public double ImportanceWeighted(MnistSplit split, int k, IProgress<int>? progress = null)
    {
        if (k < 1 || k > MaxImportanceSamples)
            throw new ArgumentException($"the number of importance samples must be between 1 and {MaxImportanceSamples:N0} (got {k:N0})");
        int d = _model.Config.Latent;
        int images = Math.Max(1, ImportanceRowsPerPass / k), samples = Math.Min(k, ImportanceRowsPerPass); // per pass
        var sampler = new Vae(_model.Config with { Kl = VaePipeline.Model.KlEstimator.MonteCarlo }, _backend, images * samples, _model.Parameters);
        var x = new float[images * P];
        var repeated = new float[images * samples * P];
        var h = new float[images * 2 * d];
        var hRepeated = new float[images * samples * 2 * d];
        var eps = new float[images * samples * d];
        var logLik = new float[images * samples];
        var logQMinusLogP = new float[images * samples];
        var weights = new LogSumExp[images];
        double total = 0;
        for (int start = 0; start < split.Count; start += images)
        {
            int n = Math.Min(images, split.Count - start);
            var indices = Enumerable.Range(start, n).ToArray();
            _pixels.Fill(split, indices, draw: 0, x);
            _backend.Upload(x.AsSpan(0, n * P), sampler.Input.Sub(0, n * P));
            sampler.Encode(n);
            _backend.Download(sampler.EncoderOutput, h.AsSpan(0, n * 2 * d));
            var noise = Rng.For(EvaluationSeed, RngStream.Evaluation, -1 - start);
            Array.Clear(weights);
            for (int done = 0; done < k; done += samples)
            {
                int m = Math.Min(samples, k - done), rows = n * m;
                for (int i = 0; i < n; i++)
                    for (int s = 0; s < m; s++)
                    {
                        h.AsSpan(i * 2 * d, 2 * d).CopyTo(hRepeated.AsSpan((i * m + s) * 2 * d));
                        x.AsSpan(i * P, P).CopyTo(repeated.AsSpan((i * m + s) * P));
                    }
                noise.FillGaussian(eps.AsSpan(0, rows * d)); // rows·d is even but in the last pass, so the pairs never split
                _backend.Upload(hRepeated.AsSpan(0, rows * 2 * d), sampler.EncoderOutput.Sub(0, rows * 2 * d));
                _backend.Upload(repeated.AsSpan(0, rows * P), sampler.Input.Sub(0, rows * P));
                _backend.Upload(eps.AsSpan(0, rows * d), sampler.Noise.Sub(0, rows * d));
                sampler.Sample(rows);
                sampler.Decode(rows);
                sampler.Score(rows, withGradient: false);
                _backend.Download(sampler.LogLikelihoodPerRow, logLik.AsSpan(0, rows));
                _backend.Download(sampler.KlPerRow, logQMinusLogP.AsSpan(0, rows));
                for (int i = 0; i < n; i++)
                    weights[i] = weights[i].Merge(logLik.AsSpan(i * m, m), logQMinusLogP.AsSpan(i * m, m));
            }
            for (int i = 0; i < n; i++) total += weights[i].Max + Math.Log(weights[i].Sum / k);
            if ((start + n) * 100L / split.Count != start * 100L / split.Count) progress?.Report(start + n); // each whole percent
        }
        return total / split.Count;
    }

    /// <summary>Σ exp(a − b) as Sum·exp(Max): shifted by the maximum so no term overflows, and mergeable pass by pass.</summary>
    private readonly record struct LogSumExp(double Max, double Sum)
    {
        public LogSumExp Merge(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
        {
            double max = double.NegativeInfinity;
            for (int i = 0; i < a.Length; i++) max = Math.Max(max, (double)a[i] - b[i]);
            double sum = 0;
            for (int i = 0; i < a.Length; i++) sum += Math.Exp((double)a[i] - b[i] - max);
            if (Sum == 0) return new LogSumExp(max, sum); // the first pass: exactly the one-pass value
            double merged = Math.Max(Max, max);
            return new LogSumExp(merged, Sum * Math.Exp(Max - merged) + sum * Math.Exp(max - merged));
        }
    }
}
