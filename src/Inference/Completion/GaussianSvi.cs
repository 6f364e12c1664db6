using VaePipeline.Numerics;

namespace VaePipeline.Inference.Completion;

/// <summary>How <see cref="GaussianSvi.Fit"/> runs: K samples per step, Adam's step size, the number of steps, the noise seed.</summary>
public sealed record SviOptions(int Samples = 10, double LearningRate = 1e-2, int Iterations = 200, ulong Seed = 1);

/// <summary>The fit's start and end, and the ELBO estimate of every iteration (before that iteration's update).</summary>
public sealed record SviFit(DiagonalGaussian Initial, DiagonalGaussian Fitted, double[] Elbo);

/// <summary>
/// Stochastic variational inference: maximises ELBO(m, s) = E_q[log p(z, x_top)] + H(q) over q = N(m, diag(exp(2s)))
/// with the reparameterisation z = m + exp(s)·ε. For the K draws ε_k and g_k = ∇_z log p(z_k, x_top):
/// ∂/∂m = mean_k g_k and ∂/∂s = mean_k g_k·ε_k·exp(s) + 1 (the 1 from the entropy). Adam ascends, with PyTorch's defaults.
/// </summary>
public static class GaussianSvi
{
    private const double Beta1 = 0.9, Beta2 = 0.999, AdamEpsilon = 1e-8;

    public static SviFit Fit(TopHalfPosterior target, DiagonalGaussian initial, SviOptions options)
    {
        int d = target.LatentSize;
        if (options.Samples < 1 || options.Iterations < 1) throw new ArgumentException("SVI needs at least one sample and one iteration");
        double[] parameters = [.. initial.Mean, .. initial.LogSigma]; // [m | s]
        double[] moment1 = new double[2 * d], moment2 = new double[2 * d], gradient = new double[2 * d], gz = new double[d];
        var elbo = new double[options.Iterations];
        var noise = new float[options.Samples * d];
        for (int t = 0; t < options.Iterations; t++)
        {
            var q = new DiagonalGaussian(parameters[..d], parameters[d..]);
            Rng.For(options.Seed, RngStream.Noise, t).FillGaussian(noise);
            Array.Clear(gradient);
            double logJoint = 0;
            for (int k = 0; k < options.Samples; k++)
            {
                double[] epsilon = Array.ConvertAll(noise[(k * d)..((k + 1) * d)], v => (double)v);
                logJoint += target.LogJoint(q.Draw(epsilon), gz);
                for (int i = 0; i < d; i++)
                {
                    gradient[i] += gz[i] / options.Samples;
                    gradient[d + i] += gz[i] * epsilon[i] * Math.Exp(q.LogSigma[i]) / options.Samples;
                }
            }
            for (int i = 0; i < d; i++) gradient[d + i] += 1;
            elbo[t] = logJoint / options.Samples + q.Entropy();

            // Adam, ascending: the update adds the step.
            for (int i = 0; i < parameters.Length; i++)
            {
                moment1[i] = Beta1 * moment1[i] + (1 - Beta1) * gradient[i];
                moment2[i] = Beta2 * moment2[i] + (1 - Beta2) * gradient[i] * gradient[i];
                double m = moment1[i] / (1 - Math.Pow(Beta1, t + 1)), v = moment2[i] / (1 - Math.Pow(Beta2, t + 1));
                parameters[i] += options.LearningRate * m / (Math.Sqrt(v) + AdamEpsilon);
            }
        }
        return new SviFit(initial, new DiagonalGaussian(parameters[..d], parameters[d..]), elbo);
    }
}
