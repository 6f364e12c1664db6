using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace VaePipeline.Training.Engine.Cpu;

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
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Negate(Vector256<float> value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> SquareRoot(Vector256<float> value) => Vector256.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Abs(Vector256<float> value) => Vector256.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MinNative(Vector256<float> left, Vector256<float> right) => Vector256.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> MaxNative(Vector256<float> left, Vector256<float> right) => Vector256.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Equal(Vector256<float> left, Vector256<float> right) => Vector256.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> LessThan(Vector256<float> left, Vector256<float> right) => Vector256.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> GreaterThanOrEqual(Vector256<float> left, Vector256<float> right) => Vector256.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Select(Vector256<float> mask, Vector256<float> ifSet, Vector256<float> ifClear) => Vector256.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> ScaleByPowerOfTwo(Vector256<float> value, Vector256<float> shifted) =>
        (value.AsInt32() + ((shifted.AsInt32() - Vector256.Create(VectorMath.RoundingBits)) << 23)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector256<float> value) => Vector256.Sum(value);

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
