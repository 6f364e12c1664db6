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
        var kernel = new AdamKernel
        {
            P = Ptr(parameters), G = Ptr(gradients), M = Ptr(m), V = Ptr(v),
            Beta1 = s.Beta1, Beta2 = s.Beta2, Epsilon = s.Epsilon,
            // Bias corrections in double, as PyTorch computes them on the host.
            StepSize = (float)(s.LearningRate / (1 - Math.Pow(s.Beta1, step))),
            InvSqrtBc2 = (float)(1 / Math.Sqrt(1 - Math.Pow(s.Beta2, step))),
        };
        // Memory-bound: four streams of n floats. Parts of at least 16k parameters (256 KB of traffic).
        RangeKernel.Run(ref kernel, n, Threads, minPerPart: 16384, align: 16);
    }

    /// <summary>PyTorch's Adam arithmetic on [start, end): m, v, then p −= stepSize · m / (√v / √(1−β₂ᵗ) + ε).</summary>
    private struct AdamKernel : IRangeKernel
    {
        public float* P, G, M, V;
        public float Beta1, Beta2, Epsilon, StepSize, InvSqrtBc2;

        public readonly void Run(int start, int end)
        {
            float b1 = Beta1, b2 = Beta2, c1 = 1 - Beta1, c2 = 1 - Beta2, eps = Epsilon, stepSize = StepSize, invSqrtBc2 = InvSqrtBc2;
            float* p = P, g = G, m = M, v = V;
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
}
