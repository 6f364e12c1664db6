using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride)
    {
        // Rows are taken four at a time (group g = rows 4g..4g+3). Two unpack rounds leave, in every 128-bit lane L
        // of the group's e-th vector, element 4L + e of its four rows; a 4 × 4 transpose of 128-bit lanes across
        // the four groups then assembles output row 4L + e.
        UnpackFourRows(src, srcStride, out var g00, out var g01, out var g02, out var g03);
        UnpackFourRows(src + 4 * srcStride, srcStride, out var g10, out var g11, out var g12, out var g13);
        UnpackFourRows(src + 8 * srcStride, srcStride, out var g20, out var g21, out var g22, out var g23);
        UnpackFourRows(src + 12 * srcStride, srcStride, out var g30, out var g31, out var g32, out var g33);
        nint step = 4 * dstStride;
        StoreLaneTranspose(g00, g10, g20, g30, dst, step);
        StoreLaneTranspose(g01, g11, g21, g31, dst + dstStride, step);
        StoreLaneTranspose(g02, g12, g22, g32, dst + 2 * dstStride, step);
        StoreLaneTranspose(g03, g13, g23, g33, dst + 3 * dstStride, step);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void UnpackFourRows(float* row, nint stride,
        out Vector512<float> e0, out Vector512<float> e1, out Vector512<float> e2, out Vector512<float> e3)
    {
        Vector512<float> r0 = Vector512.Load(row), r1 = Vector512.Load(row + stride);
        Vector512<float> r2 = Vector512.Load(row + 2 * stride), r3 = Vector512.Load(row + 3 * stride);
        Vector512<double> t0 = Avx512F.UnpackLow(r0, r1).AsDouble(), t1 = Avx512F.UnpackHigh(r0, r1).AsDouble();
        Vector512<double> t2 = Avx512F.UnpackLow(r2, r3).AsDouble(), t3 = Avx512F.UnpackHigh(r2, r3).AsDouble();
        e0 = Avx512F.UnpackLow(t0, t2).AsSingle();
        e1 = Avx512F.UnpackHigh(t0, t2).AsSingle();
        e2 = Avx512F.UnpackLow(t1, t3).AsSingle();
        e3 = Avx512F.UnpackHigh(t1, t3).AsSingle();
    }

    /// <summary>Stores lane L of (g0, g1, g2, g3), concatenated, to dst + L · step.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreLaneTranspose(Vector512<float> g0, Vector512<float> g1, Vector512<float> g2, Vector512<float> g3, float* dst, nint step)
    {
        Vector512<float> low01 = Avx512F.Shuffle4x128(g0, g1, 0x44), high01 = Avx512F.Shuffle4x128(g0, g1, 0xEE);
        Vector512<float> low23 = Avx512F.Shuffle4x128(g2, g3, 0x44), high23 = Avx512F.Shuffle4x128(g2, g3, 0xEE);
        Avx512F.Shuffle4x128(low01, low23, 0x88).Store(dst);
        Avx512F.Shuffle4x128(low01, low23, 0xDD).Store(dst + step);
        Avx512F.Shuffle4x128(high01, high23, 0x88).Store(dst + 2 * step);
        Avx512F.Shuffle4x128(high01, high23, 0xDD).Store(dst + 3 * step);
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride)
    {
        // Each register is loaded as two 128-bit halves: four elements of row r below, the same four of row r + 4
        // above. Two in-lane shuffle rounds over four such registers then gather element e of all eight rows, an
        // output row, with no shuffle across the halves (those cost 8 µops each on CPUs with 128-bit units, Zen 1).
        nint four = 4 * srcStride;
        ShuffleFourRows(src, srcStride, four, out var row0, out var row1, out var row2, out var row3);
        ShuffleFourRows(src + 4, srcStride, four, out var row4, out var row5, out var row6, out var row7);
        row0.Store(dst);
        row1.Store(dst + dstStride);
        row2.Store(dst + 2 * dstStride);
        row3.Store(dst + 3 * dstStride);
        row4.Store(dst + 4 * dstStride);
        row5.Store(dst + 5 * dstStride);
        row6.Store(dst + 6 * dstStride);
        row7.Store(dst + 7 * dstStride);
    }

    /// <summary>
    /// For the four columns at <paramref name="column"/>: e_c = (rows 0–3 at column c, rows 4–7 at column c), rows
    /// <paramref name="stride"/> apart and the upper four <paramref name="four"/> after the lower.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ShuffleFourRows(float* column, nint stride, nint four,
        out Vector256<float> e0, out Vector256<float> e1, out Vector256<float> e2, out Vector256<float> e3)
    {
        Vector256<float> r0 = Halves(column, four), r1 = Halves(column + stride, four);
        Vector256<float> r2 = Halves(column + 2 * stride, four), r3 = Halves(column + 3 * stride, four);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        e0 = Avx.Shuffle(t0, t2, 0x44);
        e1 = Avx.Shuffle(t0, t2, 0xEE);
        e2 = Avx.Shuffle(t1, t3, 0x44);
        e3 = Avx.Shuffle(t1, t3, 0xEE);
    }

    /// <summary>Four floats at <paramref name="low"/> below, four at low + <paramref name="offset"/> above (a load and an insert).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Halves(float* low, nint offset) => Vector256.Create(Vector128.Load(low), Vector128.Load(low + offset));
}

/// <summary>
/// 128-bit vectors, 4 floats: NEON on ARM64 (32 registers, a fused multiply-add on every core), where Vector256 is not
/// accelerated and this is the widest path, or SSE with FMA3 on x64 (16 registers), where only CPUs with FMA3 but no
/// AVX2 take it by default.
/// </summary>
internal readonly unsafe struct Lanes128 : IFloatLanes<Vector128<float>>
{
    public static int Count => Vector128<float>.Count;
    public static Vector128<float> Zero => Vector128<float>.Zero;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(float* source) => Vector128.Load(source);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float* destination, Vector128<float> value) => value.Store(destination);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend) =>
        Vector128.FusedMultiplyAdd(left, right, addend);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride)
    {
        // Rows a, b, c, d. Interleaving a with b and c with d pairs (a_i, b_i) and (c_i, d_i); joining the pairs'
        // 64-bit halves then forms output row i = (a_i, b_i, c_i, d_i).
        Vector128<float> a = Vector128.Load(src), b = Vector128.Load(src + srcStride);
        Vector128<float> c = Vector128.Load(src + 2 * srcStride), d = Vector128.Load(src + 3 * srcStride);
        if (AdvSimd.Arm64.IsSupported)
        {
            Vector128<double> ab01 = AdvSimd.Arm64.ZipLow(a, b).AsDouble(), ab23 = AdvSimd.Arm64.ZipHigh(a, b).AsDouble();
            Vector128<double> cd01 = AdvSimd.Arm64.ZipLow(c, d).AsDouble(), cd23 = AdvSimd.Arm64.ZipHigh(c, d).AsDouble();
            AdvSimd.Arm64.ZipLow(ab01, cd01).AsSingle().Store(dst);
            AdvSimd.Arm64.ZipHigh(ab01, cd01).AsSingle().Store(dst + dstStride);
            AdvSimd.Arm64.ZipLow(ab23, cd23).AsSingle().Store(dst + 2 * dstStride);
            AdvSimd.Arm64.ZipHigh(ab23, cd23).AsSingle().Store(dst + 3 * dstStride);
        }
        else if (Sse.IsSupported)
        {
            Vector128<float> ab01 = Sse.UnpackLow(a, b), ab23 = Sse.UnpackHigh(a, b);
            Vector128<float> cd01 = Sse.UnpackLow(c, d), cd23 = Sse.UnpackHigh(c, d);
            Sse.MoveLowToHigh(ab01, cd01).Store(dst);
            Sse.MoveHighToLow(cd01, ab01).Store(dst + dstStride);
            Sse.MoveLowToHigh(ab23, cd23).Store(dst + 2 * dstStride);
            Sse.MoveHighToLow(cd23, ab23).Store(dst + 3 * dstStride);
        }
        else
        {
            for (int q = 0; q < 4; q++)
            {
                for (int l = 0; l < 4; l++)
                    dst[q * dstStride + l] = src[l * srcStride + q];
            }
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride) => *dst = *src;
}
