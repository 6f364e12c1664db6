namespace VaePipeline.Tests.Model;

/// <summary>Float32-versus-float64 comparisons with a tolerance relative to each element and to the tensor's scale.</summary>
public static class Close
{
    /// <summary>
    /// Every |actual − expected| ≤ rel·|expected| + rel·0.01·max|expected|: relative where values are large, with a floor
    /// for entries that are tiny only because of cancellation.
    /// </summary>
    public static void All(string what, ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, double rel = 1e-4)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double scale = 0;
        foreach (var e in expected) scale = Math.Max(scale, Math.Abs(e));
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(actual[i] - expected[i]);
            double bound = rel * Math.Abs(expected[i]) + rel * 0.01 * scale;
            Assert.True(err <= bound, $"{what}[{i}]: got {actual[i]:R}, expected {expected[i]:R} (error {err:E2} > {bound:E2})");
        }
    }
}
