using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

public sealed unsafe class SgemmTests
{
    /// <summary>Written around the m×n window of C (padding columns), checked to survive every call.</summary>
    private const float Sentinel = -12345.5f;

    public static TheoryData<int, int, int, bool, bool> OddShapesAllTransposes()
    {
        var data = new TheoryData<int, int, int, bool, bool>();
        foreach ((int m, int n, int k) in new[] { (1, 1, 1), (7, 13, 5), (3, 1, 17), (100, 784, 500), (13, 33, 300) })
        {
            foreach (bool transA in new[] { false, true })
            {
                foreach (bool transB in new[] { false, true })
                    data.Add(m, n, k, transA, transB);
            }
        }
        return data;
    }

    /// <summary>Every GEMM of a K&amp;W VAE training step at batch 100, 784-500-2 (weights stored [out, in]).</summary>
    public static TheoryData<int, int, int, bool, bool> ModelShapes() => new()
    {
        { 100, 500, 784, false, true },
        { 100, 784, 500, false, true },
        { 500, 784, 100, true, false },
        { 784, 500, 100, true, false },
        { 100, 500, 784, false, false },
        { 100, 500, 2, false, true },
        { 100, 4, 500, false, true },
        { 4, 500, 100, true, false },
        { 500, 2, 100, true, false },
        { 100, 500, 4, false, false },
        { 100, 2, 500, false, false },
    };

    [Theory]
    [MemberData(nameof(OddShapesAllTransposes))]
    public void MatchesReference(int m, int n, int k, bool transA, bool transB)
    {
        var gemm = new GemmCase(m, n, k, transA, transB, seed: m * 31 + n * 7 + k);
        gemm.Run(1f, 0f, threads: 2);
        gemm.AssertMatchesReference();
    }

    [Theory]
    [MemberData(nameof(ModelShapes))]
    public void ModelShapesMatchReferenceWithBetaZeroAndOne(int m, int n, int k, bool transA, bool transB)
    {
        var gemm = new GemmCase(m, n, k, transA, transB, seed: 11);
        gemm.Run(1f, 0f, threads: 2);
        gemm.AssertMatchesReference();

        gemm.ResetC();
        gemm.Run(1f, 1f, threads: 2);
        gemm.AssertMatchesReference();
    }

    [Theory]
    [InlineData(1f, 0f)]
    [InlineData(1f, 1f)]
    [InlineData(-0.5f, 0f)]
    [InlineData(2.5f, 1f)]
    [InlineData(0.75f, -1.25f)]
    [InlineData(1f, 0.5f)]
    [InlineData(0f, 0.5f)]
    public void AlphaAndBetaScaleTheTerms(float alpha, float beta)
    {
        // k = 600 spans several depth blocks, so beta must be applied once, not once per block.
        foreach (bool transA in new[] { false, true })
        {
            foreach (bool transB in new[] { false, true })
            {
                var gemm = new GemmCase(19, 70, 600, transA, transB, seed: 3);
                gemm.Run(alpha, beta, threads: 2);
                gemm.AssertMatchesReference();
            }
        }
    }

    [Fact]
    public void BetaZeroIgnoresNaNInC()
    {
        var gemm = new GemmCase(37, 45, 29, transA: false, transB: true, seed: 5);
        gemm.FillC(float.NaN);
        gemm.Run(1.5f, 0f, threads: 2);
        gemm.AssertMatchesReference();
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void PaddedLeadingDimensionsAreRespected(bool transA, bool transB)
    {
        // The second shape is narrow enough to be computed as Cᵀ and stored transposed.
        foreach ((int m, int n, int k) in new[] { (23, 41, 19), (70, 3, 19) })
        {
            var gemm = new GemmCase(m, n, k, transA, transB, seed: 9, padA: 3, padB: 5, padC: 7);
            gemm.Run(0.5f, 2f, threads: 2);
            gemm.AssertMatchesReference();
        }
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(1f)]
    [InlineData(0.5f)]
    public void EmptyDepthOnlyScalesC(float beta)
    {
        var gemm = new GemmCase(5, 9, 0, transA: false, transB: false, seed: 2, padC: 2);
        if (beta == 0f)
            gemm.FillC(float.NaN);
        gemm.Run(1f, beta, threads: 2);
        gemm.AssertMatchesReference();
    }

    [Fact]
    public void EmptyOutputTouchesNothing()
    {
        var gemm = new GemmCase(0, 4, 3, transA: false, transB: false, seed: 2, padC: 1);
        gemm.Run(1f, 0f, threads: 2);
        gemm.AssertMatchesReference();
        gemm = new GemmCase(4, 0, 3, transA: false, transB: false, seed: 2, padC: 1);
        gemm.Run(1f, 0f, threads: 2);
        gemm.AssertMatchesReference();
    }

    [Theory]
    [MemberData(nameof(ModelShapes))]
    public void ThreadCountDoesNotChangeABit(int m, int n, int k, bool transA, bool transB)
    {
        var gemm = new GemmCase(m, n, k, transA, transB, seed: 21);
        gemm.Run(0.9f, 0.3f, threads: 1);
        float[] single = gemm.Window();
        foreach (int threads in new[] { 2, 3 })
        {
            gemm.ResetC();
            gemm.Run(0.9f, 0.3f, threads);
            Assert.Equal(single, gemm.Window());
        }
    }

    [Fact]
    public void ConcurrentCallersGetTheSameBits()
    {
        // Callers that find the worker team busy run all their parts themselves; nothing may leak between calls.
        GemmCase[] cases = [.. Enumerable.Range(0, 4).Select(i => new GemmCase(60 + 7 * i, 300 - 11 * i, 200, i % 2 == 0, i >= 2, seed: 40 + i))];
        float[][] expected = [.. cases.Select(gemm =>
        {
            gemm.Run(1f, 0f, threads: 1);
            return gemm.Window();
        })];

        var failures = new System.Collections.Concurrent.ConcurrentBag<int>();
        Thread[] callers = [.. cases.Select((gemm, i) => new Thread(() =>
        {
            for (int repeat = 0; repeat < 20; repeat++)
            {
                gemm.ResetC();
                gemm.Run(1f, 0f, threads: 2);
                if (!gemm.Window().AsSpan().SequenceEqual(expected[i]))
                    failures.Add(i);
            }
        }))];
        foreach (Thread caller in callers)
            caller.Start();
        foreach (Thread caller in callers)
            caller.Join();
        Assert.Empty(failures);
    }

    [Theory]
    [InlineData(784, 500, 100, true, false, "0,1")]
    [InlineData(784, 500, 100, true, false, "1,0")]
    [InlineData(100, 784, 100, false, true, "0,1")]
    [InlineData(100, 784, 100, false, true, "1,0")]
    [InlineData(784, 500, 100, true, false, "2,0,1")]
    [InlineData(100, 784, 100, false, true, "1,2,0")]
    public void AThreadThatRunsOutOfUnitsTakesTheOthers(int m, int n, int k, bool transA, bool transB, string order)
    {
        // The threads' parts run one after the other on this thread, as when the others are not scheduled until the
        // first is done: it computes its own units and then all of the others', each once (beta ≠ 0 makes a unit
        // computed twice come out wrong), and the rest find nothing left.
        var gemm = new GemmCase(m, n, k, transA, transB, seed: 8);
        float[] expected = gemm.ExactChain(0.9f, 0.3f);
        int[] parts = [.. order.Split(',').Select(int.Parse)];
        var done = new List<float[]>();
        int units = gemm.RunJob(0.9f, 0.3f, parts.Length, (job, planned) =>
        {
            Assert.Equal(parts.Length, planned);
            foreach (int part in parts)
            {
                GemmJob.RunPart<LanesScalar, float>((void*)job, part);
                done.Add(gemm.Window());
            }
        });

        Assert.True(units > parts.Length, $"{units} units");
        Assert.All(done, result => Assert.Equal(expected, result));
    }

    [Theory]
    [InlineData(784, 500, 100, true, false)]
    [InlineData(100, 784, 100, false, true)]
    public void ThreadsRacingForUnitsComputeEachOnce(int m, int n, int k, bool transA, bool transB)
    {
        // Four threads (more than this machine may have cores, which Sgemm itself never starts) run their parts at
        // once, 50 times: whoever wins each unit, every element is computed once and gets the same bits.
        var gemm = new GemmCase(m, n, k, transA, transB, seed: 9);
        float[] expected = gemm.ExactChain(0.9f, 0.3f);
        for (int round = 0; round < 50; round++)
        {
            gemm.ResetC();
            gemm.RunJob(0.9f, 0.3f, threads: 4, (job, parts) =>
            {
                using var start = new Barrier(parts);
                Thread[] threads = [.. Enumerable.Range(0, parts).Select(part => new Thread(() =>
                {
                    start.SignalAndWait();
                    GemmJob.RunPart<LanesScalar, float>((void*)job, part);
                }))];
                foreach (Thread thread in threads)
                    thread.Start();
                foreach (Thread thread in threads)
                    thread.Join();
            });
            Assert.Equal(expected, gemm.Window());
        }
    }

    [Theory]
    [InlineData(100, 500, 784, false, true)]
    [InlineData(37, 45, 29, true, false)]
    [InlineData(7, 13, 600, false, false)]
    [InlineData(500, 2, 100, true, false)]
    [InlineData(13, 90, 100, false, false)]
    public void EverySimdPathGivesTheSameBits(int m, int n, int k, bool transA, bool transB)
    {
        var gemm = new GemmCase(m, n, k, transA, transB, seed: 8);
        gemm.Run(SimdPath.Scalar, 1.1f, 0.6f, threads: 1);
        float[] scalar = gemm.Window();
        foreach (SimdPath path in SimdChoice.Supported.Where(p => p != SimdPath.Scalar))
        {
            gemm.ResetC();
            gemm.Run(path, 1.1f, 0.6f, threads: 2);
            Assert.Equal(scalar, gemm.Window());
        }
    }

    [Theory]
    [InlineData(100, 500, 784, false, true, 1f, 0f)]
    [InlineData(37, 45, 600, true, false, 1.1f, 0.6f)]
    [InlineData(7, 13, 1000, false, false, 1f, 0f)]
    [InlineData(500, 2, 300, true, false, 0.7f, 0f)]
    [InlineData(3, 70, 257, true, true, 1f, 1f)]
    [InlineData(13, 90, 100, false, false, 1.3f, 0.7f)]
    public void EveryElementIsOneChainWhateverTheDepthBlocks(int m, int n, int k, bool transA, bool transB, float alpha, float beta)
    {
        // Depth blocks follow the L2 cache, so they differ between machines: they must not change a bit. 90 columns leave
        // an edge tile of a whole vector and a remainder on the 256- and 512-bit paths.
        var gemm = new GemmCase(m, n, k, transA, transB, seed: 17);
        float[] expected = gemm.ExactChain(alpha, beta);
        foreach (int depthLimit in new[] { 0, 64, 100, 256, 512 })
        {
            gemm.ResetC();
            gemm.Run(Sgemm.BestPath, alpha, beta, threads: 2, depthLimit);
            Assert.True(expected.AsSpan().SequenceEqual(gemm.Window()), $"depth blocks of at most {depthLimit} changed the bits");
        }
    }

    [Fact]
    public void RejectsInconsistentArguments()
    {
        float[] buffer = new float[64];
        fixed (float* p = buffer)
        {
            float* q = p;
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, -1, 2, 2, 1f, q, 2, q, 2, 0f, q, 2, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, 2, 2, 3, 1f, q, 2, q, 2, 0f, q, 2, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(true, false, 4, 2, 3, 1f, q, 3, q, 2, 0f, q, 2, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, true, 2, 4, 3, 1f, q, 3, q, 2, 0f, q, 4, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, 2, 4, 3, 1f, q, 3, q, 4, 0f, q, 3, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => Sgemm.Multiply(false, false, 2, 2, 2, 1f, q, 2, q, 2, 0f, q, 2, 0));
        }
    }

    /// <summary>
    /// One product's operands, stored with optional padding past each row, and a double-precision reference.
    /// </summary>
    private sealed class GemmCase
    {
        private readonly int _m, _n, _k, _lda, _ldb, _ldc;
        private readonly bool _transA, _transB;
        private readonly float[] _a, _b, _c, _cBefore;
        private float _alpha, _beta;

        public GemmCase(int m, int n, int k, bool transA, bool transB, int seed, int padA = 0, int padB = 0, int padC = 0)
        {
            (_m, _n, _k, _transA, _transB) = (m, n, k, transA, transB);
            _lda = (transA ? m : k) + padA;
            _ldb = (transB ? k : n) + padB;
            _ldc = n + padC;
            var random = new Random(seed);
            _a = RandomMatrix(transA ? k : m, _lda, random);
            _b = RandomMatrix(transB ? n : k, _ldb, random);
            _cBefore = RandomMatrix(m, _ldc, random);
            for (int i = 0; i < m; i++)
                Array.Fill(_cBefore, Sentinel, i * _ldc + n, padC);
            _c = (float[])_cBefore.Clone();
        }

        private float OpA(int i, int p) => _transA ? _a[p * _lda + i] : _a[i * _lda + p];

        private float OpB(int p, int j) => _transB ? _b[j * _ldb + p] : _b[p * _ldb + j];

        public void FillC(float value)
        {
            for (int i = 0; i < _m; i++)
                Array.Fill(_cBefore, value, i * _ldc, _n);
            ResetC();
        }

        public void ResetC() => Array.Copy(_cBefore, _c, _c.Length);

        public void Run(float alpha, float beta, int threads) => Run(Sgemm.BestPath, alpha, beta, threads);

        public void Run(SimdPath path, float alpha, float beta, int threads, int depthLimit = 0)
        {
            fixed (float* a = _a, b = _b, c = _c)
            {
                Sgemm.Multiply(path, _transA, _transB, _m, _n, _k, alpha, a, _lda, b, _ldb, beta, c, _ldc, threads, depthLimit);
            }
            (_alpha, _beta) = (alpha, beta);
        }

        /// <summary>
        /// Plans the product for <paramref name="threads"/> threads on the scalar path and hands the job's address and
        /// number of parts to <paramref name="run"/>, which runs the parts; returns the job's number of units.
        /// </summary>
        public int RunJob(float alpha, float beta, int threads, Action<nint, int> run)
        {
            fixed (float* a = _a, b = _b, c = _c)
            {
                GemmJob job = new()
                {
                    TransA = _transA, TransB = _transB, M = _m, N = _n, K = _k, Alpha = alpha, Beta = beta,
                    A = a, Lda = _lda, B = b, Ldb = _ldb, C = c, Ldc = _ldc,
                };
                job.Plan(threads, MicroKernel.Columns<LanesScalar, float>(), depthLimit: 0);
                long* queues = stackalloc long[WorkQueues.Storage(job.Parts)];
                job.ShareUnits(queues);
                run((nint)(&job), job.Parts);
                return job.Units;
            }
        }

        /// <summary>
        /// What every element must be, bit for bit: one fused multiply-add chain over k in order from zero, then
        /// alpha times it (skipped at 1, where it is exact) and beta times the old C added with one fused operation.
        /// </summary>
        public float[] ExactChain(float alpha, float beta)
        {
            var expected = new float[_m * _n];
            for (int i = 0; i < _m; i++)
                for (int j = 0; j < _n; j++)
                {
                    float sum = 0f;
                    for (int p = 0; p < _k; p++)
                        sum = MathF.FusedMultiplyAdd(OpA(i, p), OpB(p, j), sum);
                    float value = alpha == 1f ? sum : alpha * sum;
                    expected[i * _n + j] = beta == 0f ? value : MathF.FusedMultiplyAdd(beta, _cBefore[i * _ldc + j], value);
                }
            return expected;
        }

        /// <summary>The m×n result, row by row, without the padding.</summary>
        public float[] Window()
        {
            var window = new float[_m * _n];
            for (int i = 0; i < _m; i++)
                Array.Copy(_c, i * _ldc, window, i * _n, _n);
            return window;
        }

        /// <summary>Checks the last <see cref="Run(float,float,int)"/> against a double-precision product.</summary>
        public void AssertMatchesReference()
        {
            var sum = new double[_n];
            var magnitude = new double[_n];
            for (int i = 0; i < _m; i++)
            {
                Array.Clear(sum);
                Array.Clear(magnitude);
                for (int p = 0; p < _k; p++)
                {
                    double aip = OpA(i, p);
                    for (int j = 0; j < _n; j++)
                    {
                        double product = aip * OpB(p, j);
                        sum[j] += product;
                        magnitude[j] += Math.Abs(product);
                    }
                }

                for (int j = 0; j < _n; j++)
                {
                    double c = _beta == 0f ? 0 : _beta * (double)_cBefore[i * _ldc + j];
                    double expected = _alpha * sum[j] + c;
                    // Worst-case float32 rounding of a k-term fused sum plus the alpha and beta steps.
                    double bound = (_k + 3) * Math.ScaleB(1, -23) * (Math.Abs(_alpha) * magnitude[j] + Math.Abs(c)) + 1e-30;
                    float actual = _c[i * _ldc + j];
                    if (!(Math.Abs(actual - expected) <= bound))
                        Assert.Fail($"C[{i},{j}] = {actual}, expected {expected} ± {bound}");
                }

                for (int j = _n; j < _ldc; j++)
                    Assert.Equal(Sentinel, _c[i * _ldc + j]);
            }
        }

        private static float[] RandomMatrix(int rows, int stride, Random random)
        {
            var matrix = new float[Math.Max(rows * stride, 1)];
            for (int i = 0; i < rows; i++)
            {
                for (int j = 0; j < stride; j++)
                    matrix[i * stride + j] = (float)(random.NextDouble() * 2 - 1);
            }
            return matrix;
        }
    }
}
