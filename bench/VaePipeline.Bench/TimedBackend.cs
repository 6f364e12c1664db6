using System.Diagnostics;
using VaePipeline.Model;
using VaePipeline.Training.Engine;

namespace VaePipeline.Bench;

/// <summary>
/// Wraps a backend and records the wall time of each kernel call by kind, so `bench -- epoch --breakdown` can say
/// where a step's time goes (GEMMs by shape, each element-wise kernel). Labels carry the shapes; while
/// <see cref="Paused"/> (the test-ELBO pass) nothing is counted, since at batch 1,000 its calls have the training steps'
/// shapes. Two clock reads and a label cost well under a microsecond a call, a few dozen calls a step of milliseconds.
/// </summary>
internal sealed class TimedBackend(IBackend inner) : IBackend
{
    private readonly Dictionary<string, List<long>> _calls = [];

    public string Description => inner.Description;

    public Slice Allocate(int length) => inner.Allocate(length);

    public void Upload(ReadOnlySpan<float> source, Slice destination)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Upload(source, destination);
        Add($"upload ×{source.Length}", start);
    }

    public void Download(Slice source, Span<float> destination)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Download(source, destination);
        Add($"download ×{destination.Length}", start);
    }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Slice a, Slice b, float beta, Slice c)
    {
        long start = Stopwatch.GetTimestamp();
        inner.Gemm(transA, transB, m, n, k, alpha, a, b, beta, c);
        Add($"gemm {(transA ? 'T' : 'N')}{(transB ? 'T' : 'N')} {m}×{n}×{k}", start);
    }

    public void BiasActivation(Activation? activation, Slice y, Slice bias, int rows, int cols)
    {
        long start = Stopwatch.GetTimestamp();
        inner.BiasActivation(activation, y, bias, rows, cols);
        Add($"bias+{activation?.ToString().ToLowerInvariant() ?? "identity"} {rows}×{cols}", start);
    }

    public void ActivationBackward(Activation activation, Slice y, Slice dy)
    {
        long start = Stopwatch.GetTimestamp();
        inner.ActivationBackward(activation, y, dy);
        Add($"{activation.ToString().ToLowerInvariant()}′ ×{dy.Length}", start);
    }

    public void SumRows(Slice m, int rows, int cols, Slice sums)
    {
        long start = Stopwatch.GetTimestamp();
        inner.SumRows(m, rows, cols, sums);
        Add($"sum rows {rows}×{cols}", start);
    }

    public void LatentForward(KlEstimator kl, Slice h, Slice eps, int rows, int latent, float logSigmaScale, Slice z, Slice klPerRow)
    {
        long start = Stopwatch.GetTimestamp();
        inner.LatentForward(kl, h, eps, rows, latent, logSigmaScale, z, klPerRow);
        Add("latent forward", start);
    }

    public void LatentBackward(KlEstimator kl, Slice h, Slice eps, Slice z, Slice dz, int rows, int latent, float logSigmaScale, float klWeight, Slice dh)
    {
        long start = Stopwatch.GetTimestamp();
        inner.LatentBackward(kl, h, eps, z, dz, rows, latent, logSigmaScale, klWeight, dh);
        Add("latent backward", start);
    }

    public void LogLikelihood(Likelihood likelihood, Slice logits, Slice x, int rows, int cols, Slice logLikPerRow, bool withGradient, float gradScale, Slice dLogits)
    {
        long start = Stopwatch.GetTimestamp();
        inner.LogLikelihood(likelihood, logits, x, rows, cols, logLikPerRow, withGradient, gradScale, dLogits);
        Add($"log-likelihood {rows}×{cols}{(withGradient ? " + gradient" : "")}", start);
    }

    public void AdamStep(Slice parameters, Slice gradients, Slice m, Slice v, AdamSettings settings, long step)
    {
        long start = Stopwatch.GetTimestamp();
        inner.AdamStep(parameters, gradients, m, v, settings, step);
        Add($"adam ×{parameters.Length}", start);
    }

    public void Dispose() => inner.Dispose();

    /// <summary>Clears the totals (after a warm-up epoch, say).</summary>
    public void Reset() => _calls.Clear();

    /// <summary>
    /// Each kind of call, slowest first: total seconds, calls, and the median call in seconds (on a shared host the
    /// mean carries the calls during which the core was taken away; the median is the kernel's own time).
    /// </summary>
    public IEnumerable<(string Kind, double Seconds, long Calls, double Median)> Totals() =>
        _calls.Select(t => (Kind: t.Key, Seconds: (double)t.Value.Sum() / Stopwatch.Frequency, Calls: (long)t.Value.Count,
                Median: (double)t.Value.Order().ElementAt(t.Value.Count / 2) / Stopwatch.Frequency))
            .OrderByDescending(t => t.Seconds);

    /// <summary>While true, calls run but are not counted.</summary>
    public bool Paused { get; set; }

    private void Add(string kind, long start)
    {
        if (Paused) return;
        long elapsed = Stopwatch.GetTimestamp() - start;
        if (!_calls.TryGetValue(kind, out List<long>? calls))
            _calls[kind] = calls = [];
        calls.Add(elapsed);
    }
}
