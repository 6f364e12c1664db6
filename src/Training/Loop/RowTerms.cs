using VaePipeline.Training.Engine;
using VaePipeline.Training.Model;

namespace VaePipeline.Training.Loop;

/// <summary>Reads a forward pass's per-row log p(x|z) and KL back from the backend and sums them, in row order.</summary>
internal sealed class RowTerms(IBackend backend, int capacity)
{
    private readonly float[] _logLik = new float[capacity], _kl = new float[capacity];

    public BatchTerms Sum(Vae model, int rows)
    {
        backend.Download(model.LogLikelihoodPerRow, _logLik.AsSpan(0, rows));
        backend.Download(model.KlPerRow, _kl.AsSpan(0, rows));
        double logLik = 0, kl = 0;
        for (int r = 0; r < rows; r++) { logLik += _logLik[r]; kl += _kl[r]; }
        return new BatchTerms(logLik, kl);
    }
}
