using VaePipeline.Inference.Completion;
using VaePipeline.Model;

namespace VaePipeline.Tests.Svi;

public class SviTests
{
    private static DiagonalGaussian Start => new([2, -2], [0.5, 0]);

    [Fact]
    public void Reads_the_reference_decoder_from_onnx()
    {
        var weights = CompletionModel.DecoderWeights;
        Assert.Equal(Activation.Tanh, weights.Config.Activation);
        Assert.Equal([(2, 500), (500, 784)], weights.Layers.Select(l => (l.In, l.Out)));
        Assert.All(weights.Layers, l => Assert.Contains(l.Weight, v => v != 0));
    }

    [Theory]
    [InlineData(2.0, -2.0)]
    [InlineData(-0.3, 0.7)]
    [InlineData(0.0, 0.0)]
    public void Gradient_of_the_log_joint_matches_central_differences(double z0, double z1)
    {
        var posterior = CompletionModel.Posterior();
        double[] z = [z0, z1], gradient = new double[2];
        posterior.LogJoint(z, gradient);
        const double h = 1e-5;
        for (int i = 0; i < 2; i++)
        {
            double[] plus = [.. z], minus = [.. z];
            plus[i] += h;
            minus[i] -= h;
            double numeric = (posterior.LogJoint(plus) - posterior.LogJoint(minus)) / (2 * h);
            Assert.True(Math.Abs(numeric - gradient[i]) <= 1e-6 * Math.Max(1, Math.Abs(numeric)),
                $"∂/∂z{i}: analytic {gradient[i]}, central difference {numeric}");
        }
    }

    [Fact]
    public void Value_with_and_without_the_gradient_agree()
    {
        var posterior = CompletionModel.Posterior();
        double[] z = [0.4, -1.1];
        Assert.Equal(posterior.LogJoint(z), posterior.LogJoint(z, new double[2]));
    }

    [Fact]
    public void Svi_raises_the_elbo_and_moves_q_towards_the_posterior()
    {
        var posterior = CompletionModel.Posterior();
        var fit = GaussianSvi.Fit(posterior, Start, new SviOptions());
        Assert.Equal(200, fit.Elbo.Length);
        Assert.All(fit.Elbo, v => Assert.True(double.IsFinite(v)));
        double first = fit.Elbo[..20].Average(), last = fit.Elbo[^20..].Average();
        Assert.True(last > first, $"ELBO over the last 20 iterations {last:F2} is not above the first 20's {first:F2}");
        Assert.True(posterior.LogJoint(fit.Fitted.Mean) > posterior.LogJoint(Start.Mean),
            $"log p(m, x_top) fitted {posterior.LogJoint(fit.Fitted.Mean):F2}, initial {posterior.LogJoint(Start.Mean):F2}");
    }

    [Fact]
    public void Svi_is_deterministic_for_a_seed()
    {
        var posterior = CompletionModel.Posterior();
        var options = new SviOptions(Iterations: 20);
        Assert.Equal(GaussianSvi.Fit(posterior, Start, options).Elbo, GaussianSvi.Fit(posterior, Start, options).Elbo);
        Assert.NotEqual(GaussianSvi.Fit(posterior, Start, options).Elbo, GaussianSvi.Fit(posterior, Start, options with { Seed = 2 }).Elbo);
    }

    [Fact]
    public void Gaussian_density_and_entropy_are_consistent()
    {
        var q = new DiagonalGaussian([0.5, -1], [0.2, -0.3]);
        // H(q) = −E log q: the density at the mean is exp(−H + D/2).
        Assert.Equal(-q.Entropy() + 1, q.LogDensity(q.Mean), 12);
    }
}
