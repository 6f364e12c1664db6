using System.Runtime.CompilerServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The register-tiled inner loop: a <see cref="Rows"/> × (2 · vector width) block of C accumulated in registers
/// over a packed A micro-panel and a packed B micro-panel.
/// </summary>
/// <remarks>
/// Six rows by two vectors is twelve independent accumulators, enough to cover the FMA latency (4 cycles on
/// 2 pipes: at least 8 chains in flight). With the two B vectors and the A broadcast that is 15 registers, so
/// one tile fits the 16 registers of AVX2 and SSE as well as the 32 of AVX-512 and NEON, and a single kernel serves
/// all. An 8-row tile (19 zmm) measured no faster on the model's shapes: this one already runs at about 90% of an
/// FMA-only loop, and a step's 8 loads per 12 FMAs are well within the core's load bandwidth.
/// </remarks>
internal static unsafe class MicroKernel
{
    /// <summary>Rows of C per tile (MR).</summary>
    public const int Rows = 6;

    /// <summary>Columns of C per tile (NR): two vectors.</summary>
    public static int Columns<TLanes, TVector>()
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged => 2 * TLanes.Count;

    /// <summary>
    /// Accumulates Σ_p A[r, p] · b[p · Columns + j] over this depth block for r &lt; <see cref="Rows"/>, j &lt;
    /// <see cref="Columns{TLanes,TVector}"/>, where A[r, p] = a[r · aRowStride + p · aDepthStride] (a packed panel or
    /// rows of A in place; with fewer than six <paramref name="rows"/>, the rows past them read the last one again, and
    /// the caller drops their sums) and b is a packed panel, one fused multiply-add per step in order: from zero on the
    /// first block, from the partial sum C holds with <paramref name="resume"/>. So each element is one chain over the
    /// whole depth, however it is cut into blocks. Not <paramref name="final"/>, the partial sums are stored as they are;
    /// on the last block, C = alpha · sum, plus beta · C when beta ≠ 0 (then the product has a single block: C still
    /// holds its old value). beta == 0 never reads C.
    /// </summary>
    public static void Tile<TLanes, TVector>(int depth, float* a, nint aRowStride, nint aDepthStride, int rows, float* b, float* c, int ldc,
        bool resume, bool final, float alpha, float beta)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int width = TLanes.Count;
        nint last = (rows - 1) * aRowStride;
        float* a0 = a, a1 = a + Math.Min(aRowStride, last), a2 = a + Math.Min(2 * aRowStride, last);
        float* a3 = a + Math.Min(3 * aRowStride, last), a4 = a + Math.Min(4 * aRowStride, last), a5 = a + Math.Min(5 * aRowStride, last);
        float* r0 = c, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
        TVector c00 = Start<TLanes, TVector>(r0, resume), c01 = Start<TLanes, TVector>(r0 + width, resume);
        TVector c10 = Start<TLanes, TVector>(r1, resume), c11 = Start<TLanes, TVector>(r1 + width, resume);
        TVector c20 = Start<TLanes, TVector>(r2, resume), c21 = Start<TLanes, TVector>(r2 + width, resume);
        TVector c30 = Start<TLanes, TVector>(r3, resume), c31 = Start<TLanes, TVector>(r3 + width, resume);
        TVector c40 = Start<TLanes, TVector>(r4, resume), c41 = Start<TLanes, TVector>(r4 + width, resume);
        TVector c50 = Start<TLanes, TVector>(r5, resume), c51 = Start<TLanes, TVector>(r5 + width, resume);

        nint offset = 0;
        for (int p = 0; p < depth; p++, offset += aDepthStride)
        {
            TVector b0 = TLanes.Load(b), b1 = TLanes.Load(b + width);
            TVector ai = TLanes.Broadcast(a0[offset]);
            c00 = TLanes.MultiplyAdd(ai, b0, c00);
            c01 = TLanes.MultiplyAdd(ai, b1, c01);
            ai = TLanes.Broadcast(a1[offset]);
            c10 = TLanes.MultiplyAdd(ai, b0, c10);
            c11 = TLanes.MultiplyAdd(ai, b1, c11);
            ai = TLanes.Broadcast(a2[offset]);
            c20 = TLanes.MultiplyAdd(ai, b0, c20);
            c21 = TLanes.MultiplyAdd(ai, b1, c21);
            ai = TLanes.Broadcast(a3[offset]);
            c30 = TLanes.MultiplyAdd(ai, b0, c30);
            c31 = TLanes.MultiplyAdd(ai, b1, c31);
            ai = TLanes.Broadcast(a4[offset]);
            c40 = TLanes.MultiplyAdd(ai, b0, c40);
            c41 = TLanes.MultiplyAdd(ai, b1, c41);
            ai = TLanes.Broadcast(a5[offset]);
            c50 = TLanes.MultiplyAdd(ai, b0, c50);
            c51 = TLanes.MultiplyAdd(ai, b1, c51);
            b += 2 * width;
        }

        TVector va = TLanes.Broadcast(alpha), vb = TLanes.Broadcast(beta);
        bool scale = final && alpha != 1f, accumulate = final && beta != 0f;
        StoreRow<TLanes, TVector>(r0, c00, c01, va, vb, scale, accumulate);
        StoreRow<TLanes, TVector>(r1, c10, c11, va, vb, scale, accumulate);
        StoreRow<TLanes, TVector>(r2, c20, c21, va, vb, scale, accumulate);
        StoreRow<TLanes, TVector>(r3, c30, c31, va, vb, scale, accumulate);
        StoreRow<TLanes, TVector>(r4, c40, c41, va, vb, scale, accumulate);
        StoreRow<TLanes, TVector>(r5, c50, c51, va, vb, scale, accumulate);
    }

    /// <summary>An accumulator's start: zero, or the partial sum stored at <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Start<TLanes, TVector>(float* c, bool resume)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged =>
        resume ? TLanes.Load(c) : TLanes.Zero;

    /// <summary>A tile's row of two vectors into C, each by <see cref="Store{TLanes,TVector}"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void StoreRow<TLanes, TVector>(float* c, TVector left, TVector right, TVector alpha, TVector beta, bool scale, bool accumulate)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        Store<TLanes, TVector>(c, left, alpha, beta, scale, accumulate);
        Store<TLanes, TVector>(c + TLanes.Count, right, alpha, beta, scale, accumulate);
    }

    /// <summary>c = alpha · sum (exact when alpha is 1, so it is skipped), then + beta · c with one fused operation.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Store<TLanes, TVector>(float* c, TVector sum, TVector alpha, TVector beta, bool scale, bool accumulate)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        if (scale)
            sum = TLanes.Multiply(alpha, sum);
        if (accumulate)
            sum = TLanes.MultiplyAdd(beta, TLanes.Load(c), sum);
        TLanes.Store(c, sum);
    }
}
