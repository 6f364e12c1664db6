using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The handful of vector operations the GEMM needs, abstracted so that the micro-kernel and the packers are
/// written once. Every implementation is a struct, so the JIT compiles a separate, fully inlined copy of each
/// generic caller per width: there is no interface dispatch at run time.
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
}

/// <summary>AVX-512: 16 floats per register, 32 registers.</summary>
internal readonly unsafe struct Lanes512 : IFloatLanes<Vector512<float>>
{
    public static int Count => Vector512<float>.Count;
    public static Vector512<float> Zero => Vector512<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Load(float* source) => Vector512.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector512<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend) =>
        Vector512.FusedMultiplyAdd(left, right, addend);

    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride)
    {
        // Rows are taken four at a time (group g = rows 4g..4g+3). Two unpack rounds leave, in every 128-bit lane L
        // of quad[4g + e], element 4L + e of the group's four rows; a 4 × 4 transpose of 128-bit lanes across the
        // four groups then assembles output row 4L + e.
        Vector512<float>* quad = stackalloc Vector512<float>[16];
        for (int g = 0; g < 4; g++)
        {
            float* row = src + 4 * g * srcStride;
            Vector512<float> r0 = Vector512.Load(row), r1 = Vector512.Load(row + srcStride);
            Vector512<float> r2 = Vector512.Load(row + 2 * srcStride), r3 = Vector512.Load(row + 3 * srcStride);
            Vector512<double> t0 = Avx512F.UnpackLow(r0, r1).AsDouble(), t1 = Avx512F.UnpackHigh(r0, r1).AsDouble();
            Vector512<double> t2 = Avx512F.UnpackLow(r2, r3).AsDouble(), t3 = Avx512F.UnpackHigh(r2, r3).AsDouble();
            quad[4 * g] = Avx512F.UnpackLow(t0, t2).AsSingle();
            quad[4 * g + 1] = Avx512F.UnpackHigh(t0, t2).AsSingle();
            quad[4 * g + 2] = Avx512F.UnpackLow(t1, t3).AsSingle();
            quad[4 * g + 3] = Avx512F.UnpackHigh(t1, t3).AsSingle();
        }

        for (int e = 0; e < 4; e++)
        {
            Vector512<float> low01 = Avx512F.Shuffle4x128(quad[e], quad[4 + e], 0x44);
            Vector512<float> high01 = Avx512F.Shuffle4x128(quad[e], quad[4 + e], 0xEE);
            Vector512<float> low23 = Avx512F.Shuffle4x128(quad[8 + e], quad[12 + e], 0x44);
            Vector512<float> high23 = Avx512F.Shuffle4x128(quad[8 + e], quad[12 + e], 0xEE);
            Avx512F.Shuffle4x128(low01, low23, 0x88).Store(dst + e * dstStride);
            Avx512F.Shuffle4x128(low01, low23, 0xDD).Store(dst + (4 + e) * dstStride);
            Avx512F.Shuffle4x128(high01, high23, 0x88).Store(dst + (8 + e) * dstStride);
            Avx512F.Shuffle4x128(high01, high23, 0xDD).Store(dst + (12 + e) * dstStride);
        }
    }
}

/// <summary>AVX2 + FMA: 8 floats per register, 16 registers.</summary>
internal readonly unsafe struct Lanes256 : IFloatLanes<Vector256<float>>
{
    public static int Count => Vector256<float>.Count;
    public static Vector256<float> Zero => Vector256<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(float* source) => Vector256.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector256<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend) =>
        Vector256.FusedMultiplyAdd(left, right, addend);

    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride)
    {
        // Within each 128-bit half, two shuffle rounds gather element e of four rows (quad[4h + e] for rows
        // 4h..4h+3); swapping halves between the two row groups then forms output rows e and 4 + e.
        Vector256<float>* quad = stackalloc Vector256<float>[8];
        for (int h = 0; h < 2; h++)
        {
            float* row = src + 4 * h * srcStride;
            Vector256<float> r0 = Vector256.Load(row), r1 = Vector256.Load(row + srcStride);
            Vector256<float> r2 = Vector256.Load(row + 2 * srcStride), r3 = Vector256.Load(row + 3 * srcStride);
            Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
            Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
            quad[4 * h] = Avx.Shuffle(t0, t2, 0x44);
            quad[4 * h + 1] = Avx.Shuffle(t0, t2, 0xEE);
            quad[4 * h + 2] = Avx.Shuffle(t1, t3, 0x44);
            quad[4 * h + 3] = Avx.Shuffle(t1, t3, 0xEE);
        }

        for (int e = 0; e < 4; e++)
        {
            Avx.Permute2x128(quad[e], quad[4 + e], 0x20).Store(dst + e * dstStride);
            Avx.Permute2x128(quad[e], quad[4 + e], 0x31).Store(dst + (4 + e) * dstStride);
        }
    }
}

/// <summary>
/// One float per "vector": the portable fallback. It still fuses every multiply-add (hardware FMA on ARM64 and
/// on any x64 with FMA), which keeps its results bit-identical to the SIMD paths.
/// </summary>
internal readonly unsafe struct LanesScalar : IFloatLanes<float>
{
    public static int Count => 1;
    public static float Zero => 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Broadcast(float value) => value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(float* source) => *source;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, float value) => *destination = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Multiply(float left, float right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MultiplyAdd(float left, float right, float addend) => MathF.FusedMultiplyAdd(left, right, addend);

    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride) => *dst = *src;
}
