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

        public readonly void Run<TLanes, TVector>(int start, int end) where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            TVector vb1 = TLanes.Broadcast(Beta1), vb2 = TLanes.Broadcast(Beta2), vc1 = TLanes.Broadcast(1 - Beta1), vc2 = TLanes.Broadcast(1 - Beta2);
            TVector veps = TLanes.Broadcast(Epsilon), vstep = TLanes.Broadcast(StepSize), vinv = TLanes.Broadcast(InvSqrtBc2);
            float* p = P, g = G, m = M, v = V;
            int i = start;
            // Up to the first element on a cache line (the four buffers share their alignment, CpuMemory) one at a time,
            // so that no vector below straddles two lines; the same arithmetic either way.
            for (; i < end && ((nint)(p + i) & 63) != 0; i++)
                Step(i);
            // The same operations in the same order as Step (no fused multiply-adds), lane by lane.
            for (; i + TLanes.Count <= end; i += TLanes.Count)
            {
                var gi = TLanes.Load(g + i);
                var mi = TLanes.Add(TLanes.Multiply(vb1, TLanes.Load(m + i)), TLanes.Multiply(vc1, gi));
                var vi = TLanes.Add(TLanes.Multiply(vb2, TLanes.Load(v + i)), TLanes.Multiply(TLanes.Multiply(vc2, gi), gi));
                var denom = TLanes.Add(TLanes.Multiply(TLanes.SquareRoot(vi), vinv), veps);
                TLanes.Store(m + i, mi);
                TLanes.Store(v + i, vi);
                TLanes.Store(p + i, TLanes.Subtract(TLanes.Load(p + i), TLanes.Divide(TLanes.Multiply(vstep, mi), denom)));
            }
            for (; i < end; i++)
                Step(i);
        }

        private readonly void Step(int i)
        {
            M[i] = Beta1 * M[i] + (1 - Beta1) * G[i];
            V[i] = Beta2 * V[i] + (1 - Beta2) * G[i] * G[i];
            P[i] -= StepSize * M[i] / (MathF.Sqrt(V[i]) * InvSqrtBc2 + Epsilon);
        }
    }
}
