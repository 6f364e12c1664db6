namespace VaePipeline.Inference.Completion;

/// <summary>q(z) = N(m, diag(exp(2s))): the variational family fitted by <see cref="GaussianSvi"/>.</summary>
public sealed record DiagonalGaussian(double[] Mean, double[] LogSigma)
{
    public double LogDensity(ReadOnlySpan<double> z)
    {
        double value = -0.5 * z.Length * Math.Log(2 * Math.PI);
        for (int i = 0; i < z.Length; i++)
        {
            double u = (z[i] - Mean[i]) / Math.Exp(LogSigma[i]);
            value -= 0.5 * u * u + LogSigma[i];
        }
        return value;
    }

    /// <summary>H(q) = Σ s + D/2 · (1 + log 2π), in closed form so only log p(z, x) needs sampling.</summary>
    public double Entropy() => LogSigma.Sum() + 0.5 * Mean.Length * (1 + Math.Log(2 * Math.PI));

    /// <summary>z = m + exp(s)·ε: the reparameterisation the gradient flows through.</summary>
    public double[] Draw(double[] epsilon) => [.. Mean.Select((m, i) => m + Math.Exp(LogSigma[i]) * epsilon[i])];
}
