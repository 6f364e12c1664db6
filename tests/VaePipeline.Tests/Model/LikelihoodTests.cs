using VaePipeline.Model;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Model;

/// <summary>The stable Bernoulli log-density against the naive formula, and its behaviour where the naive one breaks.</summary>
public class LikelihoodTests
{
    [Fact]
    public void Bernoulli_matches_naive_formula_where_both_are_finite()
    {
        const int cols = 257;
        var logits = new float[cols];
        var x = new float[cols];
        for (int i = 0; i < cols; i++)
        {
            logits[i] = -16f + 32f * i / (cols - 1); // sigmoid stays away from 0 and 1 in float64
            x[i] = (i % 3) / 2f;                     // 0, 0.5, 1: binary and intensity targets
        }
        double naive = 0;
        for (int i = 0; i < cols; i++)
        {
            double p = 1 / (1 + Math.Exp(-(double)logits[i]));
            naive += x[i] * Math.Log(p) + (1 - x[i]) * Math.Log(1 - p);
        }
        Assert.Equal(naive, Score(logits, x), precision: 3);
    }

    [Fact]
    public void Bernoulli_is_finite_and_exact_for_extreme_logits()
    {
        // Naively, sigmoid(±200) rounds to 1 or 0 and its log is −inf; the true log-densities are 0 and −200.
        float[] logits = [200f, -200f, 200f, -200f];
        float[] x = [1f, 0f, 0f, 1f];
        Assert.Equal(-400.0, Score(logits, x), precision: 3);
    }

    [Fact]
    public void Bernoulli_gradient_is_sigmoid_minus_target_scaled()
    {
        float[] logits = [-3f, 0f, 2.5f, 40f];
        float[] x = [1f, 0f, 0.25f, 1f];
        var gradient = Score(logits, x, gradScale: 0.5f);
        for (int i = 0; i < logits.Length; i++)
            Assert.Equal(0.5 * (1 / (1 + Math.Exp(-logits[i])) - x[i]), gradient[i], precision: 6);
    }

    private static double Score(float[] logits, float[] x) => Run(logits, x, 1f).LogLik;

    private static float[] Score(float[] logits, float[] x, float gradScale) => Run(logits, x, gradScale).Gradient;

    private static (double LogLik, float[] Gradient) Run(float[] logits, float[] x, float gradScale)
    {
        using var backend = new CpuBackend(1);
        int n = logits.Length;
        var l = backend.Allocate(n);
        var xs = backend.Allocate(n);
        var perRow = backend.Allocate(1);
        var d = backend.Allocate(n);
        backend.Upload(logits, l);
        backend.Upload(x, xs);
        backend.LogLikelihood(Likelihood.Bernoulli, l, xs, 1, n, perRow, withGradient: true, gradScale, d);
        var result = new float[1];
        var gradient = new float[n];
        backend.Download(perRow, result);
        backend.Download(d, gradient);
        return (result[0], gradient);
    }
}
