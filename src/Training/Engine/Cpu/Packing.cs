using System.Runtime.CompilerServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// Copies slabs of op(A) and op(B) into the order the micro-kernel reads them: for each step of the depth (k),
/// the <c>width</c> values it multiplies, contiguous, with lanes past the matrix edge zeroed so that edge tiles
/// run the same kernel and the padding contributes exact zeros.
/// </summary>
internal static unsafe class Packing
{
    /// <summary>
    /// dst[p · width + l] = src[l · laneStride + p · depthStride] for l &lt; lanes, 0 for lanes ≤ l &lt; width,
    /// p &lt; depth. One of the strides is 1 (the matrices are row-major), which picks the copy loop.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Panel<TLanes, TVector>(float* src, int laneStride, int depthStride, int lanes, int width, int depth, float* dst)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        // An overhanging panel is cleared in one vectorised sweep, then only its real lanes are copied.
        if (lanes < width)
            new Span<float>(dst, width * depth).Clear();

        if (laneStride == 1)
        {
            // Each step's lanes are adjacent in the source: one block copy per step (width is a JIT-time
            // constant at every call site, so a full-width copy compiles to a few vector moves).
            if (lanes == width)
            {
                for (int p = 0; p < depth; p++)
                    Unsafe.CopyBlockUnaligned(dst + p * width, src + (nint)p * depthStride, (uint)(width * sizeof(float)));
                return;
            }

            for (int p = 0; p < depth; p++)
            {
                for (int l = 0; l < lanes; l++)
                    dst[p * width + l] = src[(nint)p * depthStride + l];
            }
            return;
        }

        // Each lane is a source row running along the depth: a transpose. It is done in square register blocks
        // wherever a whole block of lanes and steps lies inside the panel, element by element around them (the
        // depth remainder, the last lanes of an overhanging panel, and A panels, whose width is not a multiple
        // of the vector).
        int blockedLanes = width % TLanes.Count == 0 ? lanes - lanes % TLanes.Count : 0;
        int blockedDepth = depth - depth % TLanes.Count;
        for (int p0 = 0; p0 < blockedDepth; p0 += TLanes.Count)
        {
            for (int l0 = 0; l0 < blockedLanes; l0 += TLanes.Count)
                TLanes.TransposeBlock(src + (nint)l0 * laneStride + p0, laneStride, dst + p0 * width + l0, width);
        }

        for (int p = 0; p < depth; p++)
        {
            for (int l = p < blockedDepth ? blockedLanes : 0; l < lanes; l++)
                dst[p * width + l] = src[(nint)l * laneStride + p];
        }
    }
}
