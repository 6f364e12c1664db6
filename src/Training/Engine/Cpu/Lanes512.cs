using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaePipeline.Training.Engine.Cpu;

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
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Subtract(Vector512<float> left, Vector512<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Negate(Vector512<float> value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> SquareRoot(Vector512<float> value) => Vector512.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MinNative(Vector512<float> left, Vector512<float> right) => Vector512.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> MaxNative(Vector512<float> left, Vector512<float> right) => Vector512.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Equal(Vector512<float> left, Vector512<float> right) => Vector512.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> LessThan(Vector512<float> left, Vector512<float> right) => Vector512.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> GreaterThanOrEqual(Vector512<float> left, Vector512<float> right) => Vector512.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Select(Vector512<float> mask, Vector512<float> ifSet, Vector512<float> ifClear) => Vector512.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ScaleByPowerOfTwo(Vector512<float> value, Vector512<float> shifted) =>
        (value.AsInt32() + ((shifted.AsInt32() - Vector512.Create(VectorMath.RoundingBits)) << 23)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector512<float> value) => Vector512.Sum(value);

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
