using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using VaePipeline.Model;

namespace VaePipeline.Training.Engine.Gpu;

/// <summary>
/// <see cref="IBackend"/> over an ILGPU accelerator: a CUDA GPU (GEMMs through cuBLAS), or ILGPU's CPU accelerator
/// (GEMMs through <see cref="PlainGemm"/>), on which the tests run the very kernels a GPU runs. Every call is queued
/// on the accelerator's default stream; only <see cref="Download"/> waits for the device. The backend owns every buffer
/// it allocated and frees them all, then the accelerator, on <see cref="Dispose"/>. Single caller thread, as the model is.
/// </summary>
public sealed class GpuBackend : IBackend, IRowGather
{
    private static readonly float HalfLog2Pi = (float)(0.5 * Math.Log(2 * Math.PI));
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly CuBlas? _blas;
    private readonly HashSet<GpuMemory> _live = [];
    private MemoryBuffer1D<int, Stride1D.Dense>? _indices;
    private readonly int _group;     // threads per group: 256 on a GPU, the most the accelerator allows below that
    private readonly int _maxGroups; // groups of one element-wise launch: unbounded on a GPU, a few on the CPU accelerator

    private readonly Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, int, int> _biasActivation;
    private readonly Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, int> _activationBackward;
    private readonly Action<KernelConfig, ArrayView<float>, int, int, ArrayView<float>> _sumRows;
    private readonly Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, int, float, int, ArrayView<float>, ArrayView<float>> _latentForward;
    private readonly Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, int, ArrayView<float>> _latentBackward;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, int, int, float, ArrayView<float>, int, float, ArrayView<float>> _logLikelihood;
    private readonly Action<KernelConfig, int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float, float> _adam;
    private readonly Action<KernelConfig, int, ArrayView<float>, ArrayView<int>, int, ArrayView<float>> _gather;
    private readonly Action<KernelConfig, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, float, float>? _plainGemm;

    /// <summary>Takes ownership of the context, the accelerator and the cuBLAS handle (null: GEMMs by <see cref="PlainGemm"/>).</summary>
    internal GpuBackend(Context context, Accelerator accelerator, CuBlas? blas, string description)
    {
        _context = context;
        _accelerator = accelerator;
        _blas = blas;
        Description = description;
        _group = 1 << (int)Math.Log2(Math.Min(256, accelerator.MaxNumThreadsPerGroup));
        _maxGroups = accelerator.AcceleratorType == AcceleratorType.CPU ? 4 * accelerator.NumMultiprocessors : int.MaxValue;
        try
        {
            _biasActivation = accelerator.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, int, int>(GpuKernels.BiasActivation);
            _activationBackward = accelerator.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, int>(GpuKernels.ActivationBackward);
            _sumRows = accelerator.LoadStreamKernel<ArrayView<float>, int, int, ArrayView<float>>(GpuKernels.SumRows);
            _latentForward = accelerator.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, int, float, int, ArrayView<float>, ArrayView<float>>(GpuKernels.LatentForward);
            _latentBackward = accelerator.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, float, float, int, ArrayView<float>>(GpuKernels.LatentBackward);
            _logLikelihood = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, int, int, float, ArrayView<float>, int, float, ArrayView<float>>(GpuKernels.LogLikelihood);
            _adam = accelerator.LoadStreamKernel<int, ArrayView<float>, ArrayView<float>, ArrayView<float>, ArrayView<float>, float, float, float, float, float>(GpuKernels.Adam);
            _gather = accelerator.LoadStreamKernel<int, ArrayView<float>, ArrayView<int>, int, ArrayView<float>>(GpuKernels.GatherRows);
            if (blas is null)
                _plainGemm = accelerator.LoadStreamKernel<ArrayView<float>, ArrayView<float>, ArrayView<float>, int, int, int, int, int, float, float>(PlainGemm.Kernel);
            else
                blas.Stream = (CudaStream)accelerator.DefaultStream;
        }
        catch
        {
            Release();
            throw;
        }
    }

    /// <summary>
    /// A backend on ILGPU's CPU accelerator: the same kernels as on CUDA, run as .NET code, with <see cref="PlainGemm"/>
    /// for the products. For the tests and for checks without a GPU; slow. The accelerator simulates one warp of 32 per
    /// group and one multiprocessor: it runs a thread per simulated thread, and CPUDeviceKind.Nvidia's 1,024 of them
    /// kept a two-core machine's load above 200 through a short training test.
    /// </summary>
    public static GpuBackend OnCpuAccelerator()
    {
        var context = Context.Create(b => b.CPU(new CPUDevice(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 1, numMultiprocessors: 1)).EnableAlgorithms());
        try
        {
            var accelerator = context.CreateCPUAccelerator(0);
            return new GpuBackend(context, accelerator, null, "ilgpu cpu accelerator (plain GEMM kernel, for tests)");
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    public string Description { get; }

    /// <summary>True when the GEMMs run on cuBLAS (a CUDA accelerator).</summary>
    public bool UsesCuBlas => _blas is not null;

    public Slice Allocate(int length)
    {
        if (length < 0) throw new ArgumentOutOfRangeException(nameof(length), $"cannot allocate {length} floats");
        var buffer = _accelerator.Allocate1D<float>(Math.Max(1, length));
        buffer.MemSetToZero();
        var memory = new GpuMemory(this, buffer);
        _live.Add(memory);
        return new Slice(memory, 0, length);
    }

    /// <summary>Called by <see cref="GpuMemory.Dispose"/>.</summary>
    internal void Forget(GpuMemory memory) => _live.Remove(memory);

    /// <summary>Device buffers allocated and not yet freed.</summary>
    public int LiveAllocations => _live.Count;

    public void Upload(ReadOnlySpan<float> source, Slice destination)
    {
        Check(destination, source.Length, nameof(destination));
        if (source.Length > 0) View(destination, source.Length).CopyFromCPU(source);
    }

    public void Download(Slice source, Span<float> destination)
    {
        if (destination.Length > source.Length) throw new ArgumentException($"cannot download {destination.Length} floats from a slice of {source.Length}");
        if (destination.Length > 0) View(source, destination.Length).CopyToCPU(destination);
    }

    public void Gemm(bool transA, bool transB, int m, int n, int k, float alpha, Slice a, Slice b, float beta, Slice c)
    {
        Check(a, m * k, nameof(a));
        Check(b, k * n, nameof(b));
        Check(c, m * n, nameof(c));
        if (m == 0 || n == 0) return;
        if (_blas is not null)
        {
            // cuBLAS is column-major: a row-major c[m×n] is cᵀ column-major, and cᵀ = op(b)ᵀ·op(a)ᵀ, so the operands
            // swap places and keep their transpose flags; each leading dimension is the row-major width as stored.
            _blas.Gemm(transB ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
                transA ? CuBlasOperation.Transpose : CuBlasOperation.NonTranspose,
                n, m, k, alpha, View(b, k * n), transB ? k : n, View(a, m * k), transA ? m : k, beta, View(c, m * n), n);
            return;
        }
        _plainGemm!(Spread(m * n), View(a, m * k), View(b, k * n), View(c, m * n), m, n, k, transA ? 1 : 0, transB ? 1 : 0, alpha, beta);
    }

    public void BiasActivation(Activation? activation, Slice y, Slice bias, int rows, int cols)
    {
        Check(y, rows * cols, nameof(y));
        Check(bias, cols, nameof(bias));
        if (rows * cols == 0) return;
        _biasActivation(Spread(rows * cols), rows * cols, View(y, rows * cols), View(bias, cols), cols, activation is { } a ? (int)a : GpuKernels.NoActivation);
    }

    public void ActivationBackward(Activation activation, Slice y, Slice dy)
    {
        Check(y, dy.Length, nameof(y));
        if (!Enum.IsDefined(activation)) throw new ArgumentOutOfRangeException(nameof(activation), activation, null);
        if (dy.Length == 0) return;
        _activationBackward(Spread(dy.Length), dy.Length, View(y, dy.Length), View(dy, dy.Length), (int)activation);
    }

    public void SumRows(Slice m, int rows, int cols, Slice sums)
    {
        Check(m, rows * cols, nameof(m));
        Check(sums, cols, nameof(sums));
        if (cols == 0) return;
        int groups = (cols + GpuKernels.SumColumns - 1) / GpuKernels.SumColumns;
        _sumRows(new KernelConfig(groups, _group, SharedMemoryConfig.RequestDynamic<float>(_group)), View(m, Math.Max(1, rows * cols)), rows, cols, View(sums, cols));
    }

    public void LatentForward(KlEstimator kl, Slice h, Slice eps, int rows, int latent, float logSigmaScale, Slice z, Slice klPerRow)
    {
        Check(h, rows * 2 * latent, nameof(h));
        Check(eps, rows * latent, nameof(eps));
        Check(z, rows * latent, nameof(z));
        Check(klPerRow, rows, nameof(klPerRow));
        if (rows == 0) return;
        _latentForward(Spread(rows), rows, View(h, rows * 2 * latent), View(eps, rows * latent), latent, logSigmaScale, MonteCarlo(kl),
            View(z, rows * latent), View(klPerRow, rows));
    }

    public void LatentBackward(KlEstimator kl, Slice h, Slice eps, Slice z, Slice dz, int rows, int latent, float logSigmaScale,
        float klWeight, Slice dh)
    {
        int n = rows * latent;
        Check(h, 2 * n, nameof(h));
        Check(eps, n, nameof(eps));
        Check(z, n, nameof(z));
        Check(dz, n, nameof(dz));
        Check(dh, 2 * n, nameof(dh));
        if (n == 0) return;
        _latentBackward(Spread(n), n, View(h, 2 * n), View(eps, n), View(z, n), View(dz, n), latent, logSigmaScale, klWeight, MonteCarlo(kl), View(dh, 2 * n));
    }

    public void LogLikelihood(Likelihood likelihood, Slice logits, Slice x, int rows, int cols, Slice logLikPerRow,
        bool withGradient, float gradScale, Slice dLogits)
    {
        Check(logits, rows * cols, nameof(logits));
        Check(x, rows * cols, nameof(x));
        Check(logLikPerRow, rows, nameof(logLikPerRow));
        if (withGradient) Check(dLogits, rows * cols, nameof(dLogits));
        if (!Enum.IsDefined(likelihood)) throw new ArgumentOutOfRangeException(nameof(likelihood), likelihood, null);
        if (rows == 0) return;
        int n = Math.Max(1, rows * cols);
        // Without the gradient nothing is written to dLogits; the logits stand in as a view of the right kind.
        var gradient = withGradient ? View(dLogits, n) : View(logits, n);
        _logLikelihood(new KernelConfig(rows, _group, SharedMemoryConfig.RequestDynamic<float>(_group)), View(logits, n), View(x, n), cols,
            likelihood == Likelihood.Gaussian ? 1 : 0, HalfLog2Pi, View(logLikPerRow, rows), withGradient ? 1 : 0, gradScale, gradient);
    }

    public void AdamStep(Slice parameters, Slice gradients, Slice m, Slice v, AdamSettings s, long step)
    {
        int n = parameters.Length;
        Check(gradients, n, nameof(gradients));
        Check(m, n, nameof(m));
        Check(v, n, nameof(v));
        if (n == 0) return;
        // Bias corrections in double, as PyTorch computes them on the host.
        float stepSize = (float)(s.LearningRate / (1 - Math.Pow(s.Beta1, step)));
        float invSqrtBc2 = (float)(1 / Math.Sqrt(1 - Math.Pow(s.Beta2, step)));
        _adam(Spread(n), n, View(parameters, n), View(gradients, n), View(m, n), View(v, n), s.Beta1, s.Beta2, s.Epsilon, stepSize, invSqrtBc2);
    }

    public void GatherRows(Slice table, int width, ReadOnlySpan<int> indices, Slice destination)
    {
        int rows = indices.Length, n = rows * width;
        Check(destination, n, nameof(destination));
        int tableRows = width == 0 ? 0 : table.Length / width;
        foreach (int i in indices)
            if ((uint)i >= (uint)tableRows) throw new ArgumentOutOfRangeException(nameof(indices), $"row {i} is outside a table of {tableRows} rows");
        if (n == 0) return;
        if (_indices is null || _indices.Length < rows)
        {
            _indices?.Dispose();
            _indices = _accelerator.Allocate1D<int>(rows);
        }
        ArrayView<int> indexView = _indices.View.SubView(0, rows);
        indexView.CopyFromCPU(indices);
        _gather(Spread(n), n, View(table, tableRows * width), indexView, width, View(destination, n));
    }

    /// <summary>
    /// The launch of an element-wise kernel over n items: a thread per item on a GPU; on the CPU accelerator, which
    /// schedules every group on its own threads, at most <see cref="_maxGroups"/> groups that stride over the range.
    /// </summary>
    private KernelConfig Spread(int n) => new(Math.Min(_maxGroups, (n + _group - 1) / _group), _group);

    private static int MonteCarlo(KlEstimator kl) => kl switch
    {
        KlEstimator.Analytic => 0,
        KlEstimator.MonteCarlo => 1,
        _ => throw new ArgumentOutOfRangeException(nameof(kl), kl, null),
    };

    private ArrayView<float> View(Slice s, int length)
    {
        if (s.Memory is not GpuMemory memory || memory.Owner != this)
            throw new ArgumentException("the slice was not allocated by this GPU backend");
        return memory.View(s.Offset, length);
    }

    private static void Check(Slice s, int needed, string name)
    {
        if (s.Length < needed) throw new ArgumentException($"{name} holds {s.Length} floats but {needed} are needed");
    }

    public void Dispose() => Release();

    private void Release()
    {
        foreach (var memory in _live.ToArray()) memory.Dispose();
        _indices?.Dispose();
        _indices = null;
        _blas?.Dispose();
        _accelerator.Dispose();
        _context.Dispose();
    }
}
