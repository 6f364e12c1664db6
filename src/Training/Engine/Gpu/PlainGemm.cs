using ILGPU;

namespace VaePipeline.Training.Engine.Gpu;

/// <summary>
/// The matrix product for accelerators without cuBLAS (the CPU accelerator of the tests): row-major
/// c[m×n] = alpha·op(a)·op(b) + beta·c, each element of c a plain loop over k. It is not tiled through
/// shared memory on purpose: the CPU accelerator emulates a group barrier by waking every thread of the group, and
/// a 16×16-tiled product of the tests' sizes spent minutes in barriers. A CUDA device always has cuBLAS here.
/// </summary>
internal static class PlainGemm
{
    public static void Kernel(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k,
        int transA, int transB, float alpha, float beta)
    {
        for (int i = Grid.GlobalIndex.X; i < m * n; i += Grid.DimX * Group.DimX)
            Element(i, a, b, c, m, n, k, transA, transB, alpha, beta);
    }

    private static void Element(int i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, int m, int n, int k,
        int transA, int transB, float alpha, float beta)
    {
        int row = i / n, col = i % n;
        float acc = 0f;
        for (int p = 0; p < k; p++)
            acc += (transA != 0 ? a[(long)p * m + row] : a[(long)row * k + p]) * (transB != 0 ? b[(long)col * k + p] : b[(long)p * n + col]);
        // beta = 0 overwrites, as BLAS does, so whatever c held (even NaN) does not leak in.
        c[i] = beta == 0f ? alpha * acc : alpha * acc + beta * c[i];
    }
}
