namespace VaePipeline.Inference.Figures;

/// <summary>Φ⁻¹, the standard normal quantile function, which .NET does not provide.</summary>
public static class InverseNormal
{
    // Acklam's rational approximations (relative error below 1.2e-9): one for the central region, one for the tails.
    private static readonly double[] A = [-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02, 1.383577518672690e+02, -3.066479806614716e+01, 2.506628277459239e+00];
    private static readonly double[] B = [-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02, 6.680131188771972e+01, -1.328068155288572e+01];
    private static readonly double[] C = [-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00, -2.549732539343734e+00, 4.374664141464968e+00, 2.938163982698783e+00];
    private static readonly double[] D = [7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00];
    private const double TailBoundary = 0.02425;

    /// <summary>The z with Φ(z) = <paramref name="p"/>, for 0 &lt; p &lt; 1.</summary>
    public static double Quantile(double p)
    {
        if (!(p > 0 && p < 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "a normal quantile needs 0 < p < 1");
        if (p < TailBoundary) return Tail(p);
        if (p > 1 - TailBoundary) return -Tail(1 - p);
        double q = p - 0.5, r = q * q;
        return Polynomial(A, r) * q / (Polynomial(B, r) * r + 1);
    }

    /// <summary>The lower tail, p &lt; 0.02425; the upper follows by symmetry.</summary>
    private static double Tail(double p)
    {
        double q = Math.Sqrt(-2 * Math.Log(p));
        return Polynomial(C, q) / (Polynomial(D, q) * q + 1);
    }

    /// <summary>Horner's rule, highest coefficient first.</summary>
    private static double Polynomial(double[] coefficients, double x)
    {
        double sum = 0;
        foreach (double c in coefficients) sum = sum * x + c;
        return sum;
    }
}
