using VaePipeline.Inference.Figures;

namespace VaePipeline.Tests.Report;

public class InverseNormalTests
{
    [Theory]
    [InlineData(0.5, 0.0)]
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.025, -1.959963984540054)]
    [InlineData(0.8413447460685429, 1.0)]
    [InlineData(0.99, 2.326347874040841)]
    [InlineData(0.001, -3.090232306167813)]
    [InlineData(0.025 / 20, -3.023341439739147)] // in the tail region, Φ⁻¹(0.00125)
    [InlineData(1e-9, -5.997807015007686)]
    public void Matches_known_normal_quantiles(double p, double z) => Assert.Equal(z, InverseNormal.Quantile(p), 1e-7);

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Refuses_probabilities_without_a_finite_quantile(double p) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => InverseNormal.Quantile(p));
}
