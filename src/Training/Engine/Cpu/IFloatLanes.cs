namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The vector operations the CPU kernels need, abstracted so that the GEMM's micro-kernel and packers, the element-wise
/// kernels and their transcendentals (<see cref="VectorMath"/>) are written once. Every implementation is a struct,
/// so the JIT compiles a separate, fully inlined copy of each generic caller per width: there is no interface dispatch
/// at run time. Every operation is lane by lane except <see cref="Sum"/>, so a lane's result never depends on the width.
/// </summary>
internal unsafe interface IFloatLanes<TVector> where TVector : unmanaged
{
    /// <summary>Number of floats in one <typeparamref name="TVector"/>.</summary>
    static abstract int Count { get; }

    static abstract TVector Zero { get; }

    static abstract TVector Broadcast(float value);

    static abstract TVector Load(float* source);

    static abstract void Store(float* destination, TVector value);

    static abstract TVector Multiply(TVector left, TVector right);

    /// <summary>left · right + addend with a single rounding, on every path, so all widths give identical bits.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    /// <summary>
    /// Transposes one <see cref="Count"/> × <see cref="Count"/> block in registers:
    /// dst[q · dstStride + l] = src[l · srcStride + q]. Packing a matrix whose rows run along k needs exactly this,
    /// and a scalar loop over the same data costs several times more than the multiply it feeds.
    /// </summary>
    static abstract void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride);

    static abstract TVector Add(TVector left, TVector right);

    static abstract TVector Subtract(TVector left, TVector right);

    static abstract TVector Negate(TVector value);

    static abstract TVector Divide(TVector left, TVector right);

    static abstract TVector SquareRoot(TVector value);

    static abstract TVector Abs(TVector value);

    /// <summary>The smaller of two lanes as the CPU's own instruction computes it (x86's minps: the right one when either is NaN).</summary>
    static abstract TVector MinNative(TVector left, TVector right);

    /// <summary>The larger of two lanes as the CPU's own instruction computes it (x86's maxps: the right one when either is NaN).</summary>
    static abstract TVector MaxNative(TVector left, TVector right);

    /// <summary>All bits set in each lane where left == right (so never for NaN), else zero.</summary>
    static abstract TVector Equal(TVector left, TVector right);

    static abstract TVector LessThan(TVector left, TVector right);

    static abstract TVector GreaterThanOrEqual(TVector left, TVector right);

    /// <summary>The bits of <paramref name="ifSet"/> where <paramref name="mask"/>'s are set, of <paramref name="ifClear"/> elsewhere.</summary>
    static abstract TVector Select(TVector mask, TVector ifSet, TVector ifClear);

    /// <summary>
    /// value · 2ⁿ by integer addition to its exponent field, where <paramref name="shifted"/> holds n + 1.5·2²³ (so the
    /// integer n sits in its low mantissa bits, as the rounding step of <see cref="VectorMath.Exp{TLanes,TVector}"/> leaves it).
    /// </summary>
    static abstract TVector ScaleByPowerOfTwo(TVector value, TVector shifted);

    /// <summary>The sum of the lanes, in the order of the width's own reduction.</summary>
    static abstract float Sum(TVector value);
}
