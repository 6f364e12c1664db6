using System.Numerics;
using System.Runtime.CompilerServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The transcendental functions of the element-wise kernels, in single precision on whole vectors. TensorPrimitives'
/// own (Exp, Tanh, LogP1, Sigmoid) compute in double and cost 1.4–2.6 ns an element here, which made the likelihood and
/// tanh a third of a training step; these cost a fraction of that and stay within a few ulp (tests check them against
/// double precision over their whole range). The polynomials are Cephes' single-precision ones (expf, tanhf), the
/// log1p an atanh series; the same input gives the same bits on every call, whatever thread runs it.
/// </summary>
internal static class VectorMath
{
    /// <summary>
    /// e^x: x = n·ln 2 + r with |r| ≤ ½ ln 2 (ln 2 split in two so r is exact), e^r by a degree-6 polynomial, then n
    /// added to the exponent bits. Inputs are clamped to [−87.34, 88.72], so the result is always a normal float:
    /// e^x below 1.2·10⁻³⁸ comes back as that, never a subnormal. NaN stays NaN.
    /// </summary>
    /// <remarks>
    /// The clamps and maxima here use the Native forms (one vminps/vmaxps): the IEEE ones cost about ten instructions
    /// each on x86 and took half of Exp's time. Native forms may drop a NaN, so NaNs are put back explicitly.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> input)
    {
        var x = Vector.MinNative(Vector.MaxNative(input, new Vector<float>(-87.33654f)), new Vector<float>(88.72283f));
        // Round x·log₂e to the nearest integer: adding 1.5·2²³ pushes the fraction out of the mantissa.
        var shifted = Vector.FusedMultiplyAdd(x, new Vector<float>(1.44269504088896341f), new Vector<float>(12582912f));
        var n = shifted - new Vector<float>(12582912f);
        var r = Vector.FusedMultiplyAdd(n, new Vector<float>(-0.693359375f), x);
        r = Vector.FusedMultiplyAdd(n, new Vector<float>(2.12194440e-4f), r);
        var p = new Vector<float>(1.9875691500e-4f);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.3981999507e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(8.3334519073e-3f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(4.1665795894e-2f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1.6666665459e-1f));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(5.0000001201e-1f));
        p = Vector.FusedMultiplyAdd(p, r * r, r + Vector<float>.One);
        var exponent = (Vector.AsVectorInt32(shifted) - Vector.AsVectorInt32(new Vector<float>(12582912f))) << 23;
        var result = Vector.AsVectorSingle(Vector.AsVectorInt32(p) + exponent);
        return Vector.ConditionalSelect(Vector.Equals(input, input), result, input);
    }

    /// <summary>
    /// tanh x: an odd polynomial below |x| = 0.625, where 1 − 2/(e^{2|x|} + 1) would cancel; above it that formula, with
    /// |x| capped at 10, beyond which tanh rounds to ±1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Tanh(Vector<float> x)
    {
        var a = Vector.Abs(x);
        var z = x * x;
        var p = new Vector<float>(-5.70498872745e-3f);
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(2.06390887954e-2f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(-5.37397155531e-2f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(1.33314422036e-1f));
        p = Vector.FusedMultiplyAdd(p, z, new Vector<float>(-3.33332819422e-1f));
        var small = Vector.FusedMultiplyAdd(p * z, x, x);
        var e = Exp(Vector.MinNative(new Vector<float>(20f), a + a)); // on x86 a NaN in the second operand survives
        var large = Vector<float>.One - new Vector<float>(2f) / (e + Vector<float>.One);
        var signed = Vector.ConditionalSelect(Vector.AsVectorSingle(new Vector<int>(int.MinValue)), x, large); // copysign
        return Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(0.625f)), small, signed);
    }

    /// <summary>
    /// log(1 + e) for e in [0, 1], as 2·atanh(s) with s = e/(2 + e) ≤ ⅓: the odd series to s¹⁵ leaves an error below
    /// 2·10⁻⁹ relative, and, unlike log(1 + e), keeps full relative precision for tiny e.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log1PUnit(Vector<float> e)
    {
        var s = e / (new Vector<float>(2f) + e);
        var s2 = s * s;
        var p = new Vector<float>(2f / 15);
        p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(2f / 13));
        p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(2f / 11));
        p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(2f / 9));
        p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(2f / 7));
        p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(2f / 5));
        p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(2f / 3));
        p = Vector.FusedMultiplyAdd(p, s2, new Vector<float>(2f));
        return p * s;
    }

    /// <summary>softplus x = max(x, 0) + log1p(e^{−|x|}), given e = e^{−|x|}: finite for every x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Softplus(Vector<float> x, Vector<float> e) => Vector.MaxNative(x, Vector<float>.Zero) + Log1PUnit(e);

    /// <summary>sigmoid x, given e = e^{−|x|}: 1/(1 + e) for x ≥ 0, e/(1 + e) below, so nothing overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x, Vector<float> e) =>
        Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, Vector<float>.Zero), Vector<float>.One, e) / (Vector<float>.One + e);

    /// <summary>e^{−|x|}, the shared first step of <see cref="Softplus"/> and <see cref="Sigmoid"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpNegAbs(Vector<float> x) => Exp(-Vector.Abs(x));
}
