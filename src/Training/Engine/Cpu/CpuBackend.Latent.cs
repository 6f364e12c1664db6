using VaePipeline.Model;

namespace VaePipeline.Training.Engine.Cpu;

public sealed partial class CpuBackend
{
    public void LatentForward(KlEstimator kl, Slice h, Slice eps, int rows, int latent, float logSigmaScale, Slice z, Slice klPerRow)
    {
        Check(h, rows * 2 * latent, nameof(h));
        Check(eps, rows * latent, nameof(eps));
        Check(z, rows * latent, nameof(z));
        Check(klPerRow, rows, nameof(klPerRow));
        var hs = Span(h); var es = Span(eps); var zs = Span(z); var kls = Span(klPerRow);
        for (int r = 0; r < rows; r++)
        {
            double sum = 0;
            for (int j = 0; j < latent; j++)
            {
                float mu = hs[r * 2 * latent + j], logSigma = logSigmaScale * hs[r * 2 * latent + latent + j], e = es[r * latent + j];
                float sigma = MathF.Exp(logSigma);
                float zj = mu + sigma * e;
                zs[r * latent + j] = zj;
                sum += kl == KlEstimator.Analytic
                    ? 0.5 * ((double)mu * mu + (double)sigma * sigma - 1.0 - 2.0 * logSigma)
                    : 0.5 * ((double)zj * zj - (double)e * e) - logSigma;
            }
            kls[r] = (float)sum;
        }
    }

    public void LatentBackward(KlEstimator kl, Slice h, Slice eps, Slice z, Slice dz, int rows, int latent, float logSigmaScale,
        float klWeight, Slice dh)
    {
        Check(dh, rows * 2 * latent, nameof(dh));
        var hs = Span(h); var es = Span(eps); var zs = Span(z); var dzs = Span(dz); var dhs = Span(dh);
        for (int r = 0; r < rows; r++)
        {
            for (int j = 0; j < latent; j++)
            {
                int iMu = r * 2 * latent + j, iLs = iMu + latent, iZ = r * latent + j;
                float sigma = MathF.Exp(logSigmaScale * hs[iLs]), e = es[iZ], zj = zs[iZ];
                // z = μ + σε: ∂z/∂μ = 1, ∂z/∂log σ = σε.
                float dMu = dzs[iZ], dLogSigma = dzs[iZ] * sigma * e;
                if (kl == KlEstimator.Analytic)
                {
                    dMu += klWeight * hs[iMu];                  // ∂/∂μ  ½(μ² + σ² − 1 − 2 log σ) = μ
                    dLogSigma += klWeight * (sigma * sigma - 1f); // ∂/∂log σ                     = σ² − 1
                }
                else
                {
                    dMu += klWeight * zj;                          // ∂/∂μ  (½z² − ½ε² − log σ) = z
                    dLogSigma += klWeight * (zj * sigma * e - 1f);  // ∂/∂log σ                 = zσε − 1
                }
                dhs[iMu] = dMu;
                dhs[iLs] = logSigmaScale * dLogSigma; // chain rule through log σ = scale · h
            }
        }
    }
}
