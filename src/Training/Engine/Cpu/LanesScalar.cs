using System.Runtime.CompilerServices;

namespace VaePipeline.Training.Engine.Cpu;

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
    public static float Add(float left, float right) => left + right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Subtract(float left, float right) => left - right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Negate(float value) => -value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Divide(float left, float right) => left / right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SquareRoot(float value) => MathF.Sqrt(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Abs(float value) => MathF.Abs(value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MinNative(float left, float right) => left < right ? left : right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float MaxNative(float left, float right) => left > right ? left : right;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Equal(float left, float right) => left == right ? AllBits : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LessThan(float left, float right) => left < right ? AllBits : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float GreaterThanOrEqual(float left, float right) => left >= right ? AllBits : 0f;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Select(float mask, float ifSet, float ifClear)
    {
        int bits = BitConverter.SingleToInt32Bits(mask);
        return BitConverter.Int32BitsToSingle(bits & BitConverter.SingleToInt32Bits(ifSet) | ~bits & BitConverter.SingleToInt32Bits(ifClear));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ScaleByPowerOfTwo(float value, float shifted) =>
        BitConverter.Int32BitsToSingle(BitConverter.SingleToInt32Bits(value) + ((BitConverter.SingleToInt32Bits(shifted) - VectorMath.RoundingBits) << 23));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sum(float value) => value;

    /// <summary>A mask lane: every bit set.</summary>
    private static float AllBits => BitConverter.Int32BitsToSingle(-1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TransposeBlock(float* src, nint srcStride, float* dst, nint dstStride) => *dst = *src;
}
