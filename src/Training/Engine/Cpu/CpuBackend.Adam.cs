using System.Numerics;

namespace VaePipeline.Training.Engine.Cpu;

public sealed unsafe partial class CpuBackend
{
    public void AdamStep(Slice parameters, Slice gradients, Slice m, Slice v, AdamSettings s, long step)
    {
        int n = parameters.Length;
        Check(gradients, n, nameof(gradients));
        Check(m, n, nameof(m));
        Check(v, n, nameof(v));
        // Bias corrections in double, as PyTorch computes them on the host.
        float stepSize = (float)(s.LearningRate / (1 - Math.Pow(s.Beta1, step)));
        float invSqrtBc2 = (float)(1 / Math.Sqrt(1 - Math.Pow(s.Beta2, step)));
        float* p = Ptr(parameters), g = Ptr(gradients), pm = Ptr(m), pv = Ptr(v);
        // Element-wise and memory-bound: split the buffer across the cores; results do not depend on the split.
        int chunks = Math.Min(Threads, Math.Max(1, n / 65536));
        int per = (n + chunks - 1) / chunks;
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = chunks }, c =>
        {
            int start = c * per, end = Math.Min(n, start + per);
            AdamRange(p, g, pm, pv, start, end, s, stepSize, invSqrtBc2);
        });
    }

    private static void AdamRange(float* p, float* g, float* m, float* v, int start, int end, AdamSettings s, float stepSize, float invSqrtBc2)
    {
        float b1 = s.Beta1, b2 = s.Beta2, c1 = 1 - s.Beta1, c2 = 1 - s.Beta2, eps = s.Epsilon;
        int i = start;
        int width = Vector<float>.Count;
        for (; i + width <= end; i += width)
        {
            var gi = Vector.Load(g + i);
            var mi = b1 * Vector.Load(m + i) + c1 * gi;
            var vi = b2 * Vector.Load(v + i) + c2 * gi * gi;
            var denom = Vector.SquareRoot(vi) * invSqrtBc2 + new Vector<float>(eps);
            Vector.Store(mi, m + i);
            Vector.Store(vi, v + i);
            Vector.Store(Vector.Load(p + i) - stepSize * mi / denom, p + i);
        }
        for (; i < end; i++)
        {
            m[i] = b1 * m[i] + c1 * g[i];
            v[i] = b2 * v[i] + c2 * g[i] * g[i];
            p[i] -= stepSize * m[i] / (MathF.Sqrt(v[i]) * invSqrtBc2 + eps);
        }
    }
}
