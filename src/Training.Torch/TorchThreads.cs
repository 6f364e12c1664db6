using static TorchSharp.torch;

namespace VaePipeline.Training.Torch;

/// <summary>libtorch's process-wide threading, set once before the first tensor work.</summary>
internal static class TorchThreads
{
    private static readonly Lock Gate = new();
    private static bool _interopSet;

#if TORCHSHARP_CUDA
    public const bool HasCudaBuild = true;
#else
    public const bool HasCudaBuild = false;
#endif

    /// <summary>
    /// Intra-op threads = <paramref name="threads"/> (0: every core), and one inter-op thread: the model is one chain
    /// of operations with nothing to run beside it, and a second pool only competes for the same cores (with two
    /// threads on a loaded machine libtorch's epochs took 37–86 s instead of 10, issue 14).
    /// </summary>
    public static void Configure(int threads)
    {
        if (threads < 0) throw new ArgumentException($"threads must be ≥ 0 (got {threads})");
        lock (Gate)
        {
            // libtorch allows the inter-op pool to be sized only once, before it starts.
            if (!_interopSet) set_num_interop_threads(1);
            _interopSet = true;
            set_num_threads(threads == 0 ? Environment.ProcessorCount : threads);
        }
    }
}
