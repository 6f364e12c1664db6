using System.Runtime.Intrinsics;
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

/// <summary>Work written once over the lane types, for <see cref="SimdPaths.Run"/> to run on a path.</summary>
internal interface ISimdWork
{
    void Run<TLanes, TVector>() where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged;
}

internal static class SimdPaths
{
    /// <summary>
    /// Runs <paramref name="work"/> with the lane type of <paramref name="path"/>: the one place a path becomes the
    /// type its kernels are compiled for. By reference, so the work can hand back a result in its own fields.
    /// </summary>
    public static void Run<TWork>(this SimdPath path, ref TWork work) where TWork : struct, ISimdWork
    {
        switch (path)
        {
            case SimdPath.Vector512: work.Run<Lanes512, Vector512<float>>(); break;
            case SimdPath.Vector256: work.Run<Lanes256, Vector256<float>>(); break;
            case SimdPath.Vector128: work.Run<Lanes128, Vector128<float>>(); break;
            default: work.Run<LanesScalar, float>(); break;
        }
    }

    /// <summary>The instruction set's usual name, for the benchmarks' and the backend's descriptions.</summary>
    public static string Name(this SimdPath path) => path switch
    {
        SimdPath.Vector512 => "AVX-512",
        SimdPath.Vector256 => "AVX2",
        SimdPath.Vector128 => AdvSimd.Arm64.IsSupported ? "NEON" : "SSE",
        _ => "scalar",
    };
}
