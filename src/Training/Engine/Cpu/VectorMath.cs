using System.Runtime.CompilerServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The transcendental functions of the element-wise kernels, in single precision on whole vectors of any width the
/// CPU runs (<see cref="IFloatLanes{TVector}"/>). TensorPrimitives' own (Exp, Tanh, LogP1, Sigmoid) compute in double
/// and cost 1.4–2.6 ns an element here, which made the likelihood and tanh a third of a training step; these cost a
/// fraction of that and stay within a few ulp (tests check them against double precision over their whole range, on
/// every width). The polynomials are Cephes' single-precision ones (expf, tanhf), the log1p an atanh series. Every
/// operation is lane by lane, so an input gives the same bits at every width and on every call, whatever thread runs it.
/// </summary>
internal static class VectorMath
{
    /// <summary>1.5·2²³: added to a float below 2²², it leaves the value rounded to an integer in the low mantissa bits.</summary>
    private const float Rounding = 12582912f;

    /// <summary>The bits of <see cref="Rounding"/>, which <see cref="IFloatLanes{TVector}.ScaleByPowerOfTwo"/> subtracts.</summary>
    internal const int RoundingBits = 0x4B400000;

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
    public static TVector Exp<TLanes, TVector>(TVector input) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
    {
        var x = TLanes.MinNative(TLanes.MaxNative(input, TLanes.Broadcast(-87.33654f)), TLanes.Broadcast(88.72283f));
        // Round x·log₂e to the nearest integer: adding 1.5·2²³ pushes the fraction out of the mantissa.
        var shifted = TLanes.MultiplyAdd(x, TLanes.Broadcast(1.44269504088896341f), TLanes.Broadcast(Rounding));
        var n = TLanes.Subtract(shifted, TLanes.Broadcast(Rounding));
        var r = TLanes.MultiplyAdd(n, TLanes.Broadcast(-0.693359375f), x);
        r = TLanes.MultiplyAdd(n, TLanes.Broadcast(2.12194440e-4f), r);
        var p = TLanes.Broadcast(1.9875691500e-4f);
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1.3981999507e-3f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(8.3334519073e-3f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(4.1665795894e-2f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(1.6666665459e-1f));
        p = TLanes.MultiplyAdd(p, r, TLanes.Broadcast(5.0000001201e-1f));
        p = TLanes.MultiplyAdd(p, TLanes.Multiply(r, r), TLanes.Add(r, TLanes.Broadcast(1f)));
        var result = TLanes.ScaleByPowerOfTwo(p, shifted);
        return TLanes.Select(TLanes.Equal(input, input), result, input);
    }

    /// <summary>
    /// tanh x: an odd polynomial below |x| = 0.625, where 1 − 2/(e^{2|x|} + 1) would cancel; above it that formula, with
    /// |x| capped at 10, beyond which tanh rounds to ±1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Tanh<TLanes, TVector>(TVector x) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
    {
        var a = TLanes.Abs(x);
        var z = TLanes.Multiply(x, x);
        var p = TLanes.Broadcast(-5.70498872745e-3f);
        p = TLanes.MultiplyAdd(p, z, TLanes.Broadcast(2.06390887954e-2f));
        p = TLanes.MultiplyAdd(p, z, TLanes.Broadcast(-5.37397155531e-2f));
        p = TLanes.MultiplyAdd(p, z, TLanes.Broadcast(1.33314422036e-1f));
        p = TLanes.MultiplyAdd(p, z, TLanes.Broadcast(-3.33332819422e-1f));
        var small = TLanes.MultiplyAdd(TLanes.Multiply(p, z), x, x);
        var e = Exp<TLanes, TVector>(TLanes.MinNative(TLanes.Broadcast(20f), TLanes.Add(a, a))); // on x86 a NaN in the second operand survives
        var one = TLanes.Broadcast(1f);
        var large = TLanes.Subtract(one, TLanes.Divide(TLanes.Broadcast(2f), TLanes.Add(e, one)));
        var signed = TLanes.Select(TLanes.Broadcast(-0f), x, large); // copysign: -0 is the sign bit alone
        return TLanes.Select(TLanes.LessThan(a, TLanes.Broadcast(0.625f)), small, signed);
    }

    /// <summary>
    /// log(1 + e) for e in [0, 1], as 2·atanh(s) with s = e/(2 + e) ≤ ⅓: the odd series to s¹⁵ leaves an error below
    /// 2·10⁻⁹ relative, and, unlike log(1 + e), keeps full relative precision for tiny e.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Log1PUnit<TLanes, TVector>(TVector e) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
    {
        var s = TLanes.Divide(e, TLanes.Add(TLanes.Broadcast(2f), e));
        var s2 = TLanes.Multiply(s, s);
        var p = TLanes.Broadcast(2f / 15);
        p = TLanes.MultiplyAdd(p, s2, TLanes.Broadcast(2f / 13));
        p = TLanes.MultiplyAdd(p, s2, TLanes.Broadcast(2f / 11));
        p = TLanes.MultiplyAdd(p, s2, TLanes.Broadcast(2f / 9));
        p = TLanes.MultiplyAdd(p, s2, TLanes.Broadcast(2f / 7));
        p = TLanes.MultiplyAdd(p, s2, TLanes.Broadcast(2f / 5));
        p = TLanes.MultiplyAdd(p, s2, TLanes.Broadcast(2f / 3));
        p = TLanes.MultiplyAdd(p, s2, TLanes.Broadcast(2f));
        return TLanes.Multiply(p, s);
    }

    /// <summary>softplus x = max(x, 0) + log1p(e^{−|x|}), given e = e^{−|x|}: finite for every x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Softplus<TLanes, TVector>(TVector x, TVector e) where TLanes : IFloatLanes<TVector> where TVector : unmanaged =>
        TLanes.Add(TLanes.MaxNative(x, TLanes.Zero), Log1PUnit<TLanes, TVector>(e));

    /// <summary>sigmoid x, given e = e^{−|x|}: 1/(1 + e) for x ≥ 0, e/(1 + e) below, so nothing overflows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector Sigmoid<TLanes, TVector>(TVector x, TVector e) where TLanes : IFloatLanes<TVector> where TVector : unmanaged
    {
        var one = TLanes.Broadcast(1f);
        return TLanes.Divide(TLanes.Select(TLanes.GreaterThanOrEqual(x, TLanes.Zero), one, e), TLanes.Add(one, e));
    }

    /// <summary>e^{−|x|}, the shared first step of <see cref="Softplus{TLanes,TVector}"/> and <see cref="Sigmoid{TLanes,TVector}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TVector ExpNegAbs<TLanes, TVector>(TVector x) where TLanes : IFloatLanes<TVector> where TVector : unmanaged =>
        Exp<TLanes, TVector>(TLanes.Negate(TLanes.Abs(x)));
}
