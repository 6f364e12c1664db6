using System.Runtime.Intrinsics.Arm;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>The instruction sets <see cref="Sgemm"/> has a kernel for.</summary>
internal enum SimdPath
{
    Scalar,
    Vector128,
    Vector256,
    Vector512,
}

internal static class SimdPaths
{
    /// <summary>The instruction set's usual name, for the benchmarks' and the backend's descriptions.</summary>
    public static string Name(this SimdPath path) => path switch
    {
        SimdPath.Vector512 => "AVX-512",
        SimdPath.Vector256 => "AVX2",
        SimdPath.Vector128 => AdvSimd.Arm64.IsSupported ? "NEON" : "SSE",
        _ => "scalar",
    };
}
