using ILGPU;

namespace VaePipeline.Training.Engine.Gpu;

/// <summary>
/// The plain ILGPU matrix product for accelerators without cuBLAS (the CPU accelerator of the tests): row-major
/// c[m×n] = alpha·op(a)·op(b) + beta·c, one <see cref="Tile"/>² block of c per group, staging a tile of op(a) and of
/// op(b) in shared memory per step along k. Out-of-range entries are loaded as zeros, so any size works.
/// </summary>
internal static class TiledGemm
{
    public const int Tile = 16;

    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k,
        int transA, int transB, float alpha, float beta)
    {
        var tileA = SharedMemory.Allocate<float>(Tile * Tile);
        var tileB = SharedMemory.Allocate<float>(Tile * Tile);
        int tx = Group.IdxX, ty = Group.IdxY;
        int row = Grid.IdxY * Tile + ty, col = Grid.IdxX * Tile + tx;
        float acc = 0f;
        for (int p0 = 0; p0 < k; p0 += Tile)
        {
            // tileA[ty, tx] = op(a)[row, p0 + tx]; tileB[ty, tx] = op(b)[p0 + ty, col]
            int pa = p0 + tx, pb = p0 + ty;
            tileA[ty * Tile + tx] = row < m && pa < k ? (transA != 0 ? a[(long)pa * m + row] : a[(long)row * k + pa]) : 0f;
            tileB[ty * Tile + tx] = pb < k && col < n ? (transB != 0 ? b[(long)col * k + pb] : b[(long)pb * n + col]) : 0f;
            Group.Barrier();
            for (int q = 0; q < Tile; q++) acc += tileA[ty * Tile + q] * tileB[q * Tile + tx];
            Group.Barrier();
        }
        if (row < m && col < n)
        {
            long i = (long)row * n + col;
            // beta = 0 overwrites, as BLAS does, so whatever c held (even NaN) does not leak in.
            c[i] = beta == 0f ? alpha * acc : alpha * acc + beta * c[i];
        }
    }
}
