using System.Runtime.InteropServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>Single-precision general matrix multiply, the engine under every dense layer of the trainer.</summary>
/// <remarks>
/// Results are bit-identical for any thread count, any run, any of the SIMD paths and any cache size: each element
/// of C is one fused-multiply-add chain of its k products in order, from zero, then scaled by alpha and added to
/// beta · C with one fused operation; threads only choose which elements they compute, and the depth blocks (which
/// follow the L2 cache) only where the chain pauses in C.
/// </remarks>
public static unsafe class Sgemm
{
    /// <summary>The instruction set <see cref="Multiply"/> uses in this process (<see cref="SimdChoice"/>).</summary>
    internal static SimdPath BestPath => SimdChoice.Current.Path;

    /// <summary>
    /// C[m×n] = alpha · op(A) · op(B) + beta · C, all row-major.
    /// op(A) is m×k: A is stored m×k (lda ≥ k) or, when <paramref name="transA"/>, k×m (lda ≥ m).
    /// op(B) is k×n: B is stored k×n (ldb ≥ n) or, when <paramref name="transB"/>, n×k (ldb ≥ k).
    /// beta == 0 means C is write-only (it may hold NaN or garbage before the call); elements of C outside the
    /// m×n window are never touched.
    /// </summary>
    /// <param name="threads">How many threads may work (1 = the caller's thread only).</param>
    public static void Multiply(bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads) =>
        Multiply(BestPath, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads);

    /// <summary>
    /// <see cref="Multiply(bool,bool,int,int,int,float,float*,int,float*,int,float,float*,int,int)"/> on a chosen path,
    /// and with depth blocks no longer than <paramref name="depthLimit"/> when it is not 0 (tests compare them).
    /// </summary>
    internal static void Multiply(SimdPath path, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads, int depthLimit = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, transA ? m : k);
        ArgumentOutOfRangeException.ThrowIfLessThan(ldb, transB ? k : n);
        ArgumentOutOfRangeException.ThrowIfLessThan(ldc, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        if (m == 0 || n == 0)
            return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }
        if (beta != 0f && k > Math.Min(GemmJob.MinDepthBlock, depthLimit > 0 ? depthLimit : int.MaxValue))
        {
            AddScaled(path, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, threads, depthLimit);
            return;
        }

        GemmJob job = new()
        {
            TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
            A = a, Lda = lda, B = b, Ldb = ldb, C = c, Ldc = ldc,
        };
        // More threads than cores would only have spinning workers fight over them.
        var launch = new Launch(&job, Math.Min(threads, Environment.ProcessorCount), depthLimit);
        path.Run(ref launch);
    }

    /// <summary>Plans the job for the tile width of the path it runs on, then runs its parts.</summary>
    private readonly struct Launch(GemmJob* job, int threads, int depthLimit) : ISimdWork
    {
        public void Run<TLanes, TVector>() where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            job->Plan(threads, MicroKernel.Columns<TLanes, TVector>(), depthLimit);
            long* queues = stackalloc long[WorkQueues.Storage(job->Parts)];
            job->ShareUnits(queues);
            WorkerTeam.Run(&GemmJob.RunPart<TLanes, TVector>, job, job->Parts);
        }
    }

    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C when k may span depth blocks: between blocks C holds the partial sums,
    /// which leaves no room for its old values, so the product goes to a buffer first and is then added with the
    /// fused operation the kernel's last store uses (the same bits as a single block). The model never asks for it
    /// (every product it runs has beta = 0); the API keeps BLAS's meaning.
    /// </summary>
    private static void AddScaled(SimdPath path, bool transA, bool transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc, int threads, int depthLimit)
    {
        float* product = (float*)NativeMemory.Alloc((nuint)m * (nuint)n, sizeof(float));
        try
        {
            Multiply(path, transA, transB, m, n, k, alpha, a, lda, b, ldb, 0f, product, n, threads, depthLimit);
            for (int i = 0; i < m; i++)
            {
                float* row = c + (nint)i * ldc, p = product + (nint)i * n;
                for (int j = 0; j < n; j++)
                    row[j] = MathF.FusedMultiplyAdd(beta, row[j], p[j]);
            }
        }
        finally
        {
            NativeMemory.Free(product);
        }
    }

    /// <summary>C = beta · C, the whole product when it is empty (k = 0) or scaled away (alpha = 0).</summary>
    private static void ScaleC(int m, int n, float beta, float* c, int ldc)
    {
        if (beta == 1f)
            return;
        for (int i = 0; i < m; i++)
        {
            Span<float> row = new(c + (nint)i * ldc, n);
            if (beta == 0f)
                row.Clear();
            else
            {
                foreach (ref float value in row)
                    value *= beta;
            }
        }
    }
}
