using ILGPU;
using ILGPU.Algorithms;

namespace VaePipeline.Training.Engine.Gpu;

/// <summary>
/// The element-wise and per-row kernels of <see cref="GpuBackend"/>, as ILGPU compiles them: to PTX on CUDA, or run as
/// .NET code by the CPU accelerator in the tests. Each formula is CpuBackend's, written per element; enums travel as
/// ints because kernels take only plain values. Work that the CPU does in several passes is one launch here (the bias
/// and the activation; the log-density, its row sum and its gradient), since a step of this small model is bound by
/// launches, not by arithmetic. The element-wise kernels stride over their range by the launch's size: a GPU launches a
/// thread per element (one pass), the CPU accelerator a few groups that loop, as it pays for every group it schedules.
/// </summary>
internal static class GpuKernels
{
    /// <summary>The activation codes: <see cref="VaePipeline.Model.Activation"/>'s values, and this for none.</summary>
    public const int NoActivation = -1;

    /// <summary>Columns per group in <see cref="SumRows"/>: a warp's worth of consecutive columns, so its loads coalesce.</summary>
    public const int SumColumns = 32;

    /// <summary>y = act(y + bias[column]) for every element of a rows × cols matrix.</summary>
    public static void BiasActivation(int n, ArrayView<float> y, ArrayView<float> bias, int cols, int activation)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
            y[i] = Activate(y[i] + bias[i % cols], activation);
    }

    private static float Activate(float x, int activation)
    {
        switch (activation)
        {
            case 0: return XMath.Tanh(x);
            case 1: return XMath.Max(x, 0f);
            // elu(x) = max(x, 0) + expm1(min(x, 0)); softplus(x) = max(x, 0) + log1p(exp(−|x|)), finite for every x.
            // CpuBackend's ExpM1 and LogP1 are exp(x) − 1 and log(1 + x) in TensorPrimitives, so these are the same sums.
            case 2: return XMath.Max(x, 0f) + (XMath.Exp(XMath.Min(x, 0f)) - 1f);
            case 3: return XMath.Max(x, 0f) + XMath.Log(1f + XMath.Exp(-XMath.Abs(x)));
            default: return x;
        }
    }

    /// <summary>dy ⊙= act′, the derivative written in the output y: tanh 1 − y², relu [y &gt; 0], elu y + 1 below 0, softplus 1 − exp(−y).</summary>
    public static void ActivationBackward(int n, ArrayView<float> y, ArrayView<float> dy, int activation)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float v = y[i];
            switch (activation)
            {
                case 0: dy[i] *= 1f - v * v; break;
                case 1: if (v <= 0f) dy[i] = 0f; break;
                case 2: if (v <= 0f) dy[i] *= v + 1f; break;
                case 3: dy[i] *= -(XMath.Exp(-v) - 1f); break;
            }
        }
    }

    /// <summary>
    /// sums[c] = Σ_r m[r, c]. A group (a multiple of <see cref="SumColumns"/> threads, with as many floats of dynamic
    /// shared memory) is <see cref="SumColumns"/> consecutive columns × group / <see cref="SumColumns"/> row lanes; each
    /// lane adds every so-many rows, then the lanes of a column are added in shared memory. The order is fixed, so the
    /// sums are deterministic.
    /// </summary>
    public static void SumRows(ArrayView<float> m, int rows, int cols, ArrayView<float> sums)
    {
        var partial = SharedMemory.GetDynamic<float>();
        int lanes = Group.DimX / SumColumns;
        int t = Group.IdxX, lane = t % SumColumns, rowLane = t / SumColumns;
        int c = Grid.IdxX * SumColumns + lane;
        float acc = 0f;
        if (c < cols)
            for (int r = rowLane; r < rows; r += lanes) acc += m[(long)r * cols + c];
        partial[t] = acc;
        Group.Barrier();
        if (rowLane == 0 && c < cols)
        {
            float total = 0f;
            for (int k = 0; k < lanes; k++) total += partial[k * SumColumns + lane];
            sums[c] = total;
        }
    }

    /// <summary>
    /// One row of the latent layer per thread: log σ = scale·s, z = μ + σε, and the row's KL, analytic
    /// ½Σ(μ² + σ² − 1 − 2 log σ) or single-sample Σ(½z² − ½ε² − log σ), summed in double as the CPU does.
    /// </summary>
    public static void LatentForward(int rows, ArrayView<float> h, ArrayView<float> eps, int latent, float logSigmaScale,
        int monteCarlo, ArrayView<float> z, ArrayView<float> klPerRow)
    {
        for (int r = Grid.GlobalIndex.X; r < rows; r += Grid.DimX * Group.DimX)
            LatentRow(r, h, eps, latent, logSigmaScale, monteCarlo, z, klPerRow);
    }

    private static void LatentRow(int r, ArrayView<float> h, ArrayView<float> eps, int latent, float logSigmaScale,
        int monteCarlo, ArrayView<float> z, ArrayView<float> klPerRow)
    {
        double sum = 0;
        for (int j = 0; j < latent; j++)
        {
            float mu = h[r * 2 * latent + j], logSigma = logSigmaScale * h[r * 2 * latent + latent + j], e = eps[r * latent + j];
            float sigma = XMath.Exp(logSigma);
            float zj = mu + sigma * e;
            z[r * latent + j] = zj;
            sum += monteCarlo == 0
                ? 0.5 * ((double)mu * mu + (double)sigma * sigma - 1.0 - 2.0 * logSigma)
                : 0.5 * ((double)zj * zj - (double)e * e) - logSigma;
        }
        klPerRow[r] = (float)sum;
    }

    /// <summary>dh for one latent coordinate per thread: the reparameterisation's chain rule plus klWeight × the KL's own gradient.</summary>
    public static void LatentBackward(int n, ArrayView<float> h, ArrayView<float> eps, ArrayView<float> z, ArrayView<float> dz,
        int latent, float logSigmaScale, float klWeight, int monteCarlo, ArrayView<float> dh)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
            LatentCoordinate(i, h, eps, z, dz, latent, logSigmaScale, klWeight, monteCarlo, dh);
    }

    private static void LatentCoordinate(int i, ArrayView<float> h, ArrayView<float> eps, ArrayView<float> z, ArrayView<float> dz,
        int latent, float logSigmaScale, float klWeight, int monteCarlo, ArrayView<float> dh)
    {
        int r = i / latent, j = i % latent;
        int iMu = r * 2 * latent + j, iLs = iMu + latent;
        float sigma = XMath.Exp(logSigmaScale * h[iLs]), e = eps[i], zj = z[i];
        // z = μ + σε: ∂z/∂μ = 1, ∂z/∂log σ = σε.
        float dMu = dz[i], dLogSigma = dz[i] * sigma * e;
        if (monteCarlo == 0)
        {
            dMu += klWeight * h[iMu];                    // ∂/∂μ ½(μ² + σ² − 1 − 2 log σ) = μ
            dLogSigma += klWeight * (sigma * sigma - 1f); // ∂/∂log σ = σ² − 1
        }
        else
        {
            dMu += klWeight * zj;                         // ∂/∂μ (½z² − ½ε² − log σ) = z
            dLogSigma += klWeight * (zj * sigma * e - 1f); // ∂/∂log σ = zσε − 1
        }
        dh[iMu] = dMu;
        dh[iLs] = logSigmaScale * dLogSigma; // chain rule through log σ = scale · h
    }

    /// <summary>
    /// One group per row: log p(x|z) of the row, and, when withGradient ≠ 0, dLogits = gradScale·(−∂ log p/∂ logits), in
    /// one pass over the row. Bernoulli: Σ x·l − softplus(l) with softplus(l) = max(l, 0) + log1p(exp(−|l|)), whose
    /// gradient is sigmoid(l) − x. Gaussian (unit variance, mean μ = sigmoid(l)): −½Σ(x − μ)² − n·½log 2π, gradient
    /// (μ − x)·μ·(1 − μ). The row's terms are added in shared memory by halving: the group is a power of two threads,
    /// with as many floats of dynamic shared memory.
    /// </summary>
    public static void LogLikelihood(ArrayView<float> logits, ArrayView<float> x, int cols, int gaussian, float halfLog2Pi,
        ArrayView<float> logLikPerRow, int withGradient, float gradScale, ArrayView<float> dLogits)
    {
        var partial = SharedMemory.GetDynamic<float>();
        long row = Grid.IdxX;
        int t = Group.IdxX, group = Group.DimX;
        float acc = 0f;
        for (int c = t; c < cols; c += group)
        {
            long i = row * cols + c;
            float l = logits[i], xi = x[i];
            float sigmoid = 1f / (1f + XMath.Exp(-l));
            float gradient;
            if (gaussian == 0)
            {
                acc += xi * l - (XMath.Max(l, 0f) + XMath.Log(1f + XMath.Exp(-XMath.Abs(l))));
                gradient = sigmoid - xi;
            }
            else
            {
                float d = sigmoid - xi;
                acc -= 0.5f * d * d;
                gradient = d * sigmoid * (1f - sigmoid);
            }
            if (withGradient != 0) dLogits[i] = gradScale * gradient;
        }
        partial[t] = acc;
        Group.Barrier();
        for (int half = group / 2; half > 0; half /= 2)
        {
            if (t < half) partial[t] += partial[t + half];
            Group.Barrier();
        }
        if (t == 0) logLikPerRow[row] = gaussian == 0 ? partial[0] : partial[0] - cols * halfLog2Pi;
    }

    /// <summary>One Adam element per thread, in PyTorch's arithmetic; the bias corrections come from the host in double.</summary>
    public static void Adam(int n, ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v,
        float beta1, float beta2, float epsilon, float stepSize, float invSqrtBc2)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
        {
            float gi = g[i];
            float mi = beta1 * m[i] + (1f - beta1) * gi;
            float vi = beta2 * v[i] + (1f - beta2) * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] -= stepSize * mi / (XMath.Sqrt(vi) * invSqrtBc2 + epsilon);
        }
    }

    /// <summary>destination row r = table row indices[r]: a batch gathered from the training set on the device.</summary>
    public static void GatherRows(int n, ArrayView<float> table, ArrayView<int> indices, int width, ArrayView<float> destination)
    {
        for (int i = Grid.GlobalIndex.X; i < n; i += Grid.DimX * Group.DimX)
            destination[i] = table[(long)indices[i / width] * width + i % width];
    }
}
