using System.Diagnostics;
using VaePipeline.Model;
using VaePipeline.Training.Engine;

namespace VaePipeline.Bench;

/// <summary>
/// Wraps a backend and adds up the wall time of each kind of kernel call, so `bench -- epoch --breakdown` can say
/// where a step's time goes (GEMMs by shape, each element-wise kernel). Labels carry the shapes; while
/// <see cref="Paused"/> (the test-ELBO pass) nothing is counted, since at batch 1,000 its calls have the training steps'
/// shapes. Two clock reads and a label cost well under a microsecond a call, a few dozen calls a step of milliseconds.
/// </summary>
internal sealed class TimedBackend(IBackend inner) : IBackend
{
    private readonly Dictionary<string, (long Ticks, long Calls)> _totals = [];

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
    public void Reset() => _totals.Clear();

    /// <summary>Each kind of call, slowest first: total seconds, calls, and microseconds per call.</summary>
    public IEnumerable<(string Kind, double Seconds, long Calls)> Totals() =>
        _totals.OrderByDescending(t => t.Value.Ticks)
            .Select(t => (t.Key, (double)t.Value.Ticks / Stopwatch.Frequency, t.Value.Calls));

    /// <summary>While true, calls run but are not counted.</summary>
    public bool Paused { get; set; }

    private void Add(string kind, long start)
    {
        if (Paused) return;
        long elapsed = Stopwatch.GetTimestamp() - start;
        var (ticks, calls) = _totals.GetValueOrDefault(kind);
        _totals[kind] = (ticks + elapsed, calls + 1);
    }
}
