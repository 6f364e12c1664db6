using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace VaePipeline.Training.Engine.Cpu;

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
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Negate(Vector128<float> value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> SquareRoot(Vector128<float> value) => Vector128.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Abs(Vector128<float> value) => Vector128.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MinNative(Vector128<float> left, Vector128<float> right) => Vector128.MinNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MaxNative(Vector128<float> left, Vector128<float> right) => Vector128.MaxNative(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Equal(Vector128<float> left, Vector128<float> right) => Vector128.Equals(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> LessThan(Vector128<float> left, Vector128<float> right) => Vector128.LessThan(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> GreaterThanOrEqual(Vector128<float> left, Vector128<float> right) => Vector128.GreaterThanOrEqual(left, right);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Select(Vector128<float> mask, Vector128<float> ifSet, Vector128<float> ifClear) => Vector128.ConditionalSelect(mask, ifSet, ifClear);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> ScaleByPowerOfTwo(Vector128<float> value, Vector128<float> shifted) =>
        (value.AsInt32() + ((shifted.AsInt32() - Vector128.Create(VectorMath.RoundingBits)) << 23)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(Vector128<float> value) => Vector128.Sum(value);

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
