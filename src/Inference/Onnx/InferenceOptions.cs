namespace VaePipeline.Inference.Onnx;

/// <summary>How a <see cref="VaeEncoder"/> or <see cref="VaeDecoder"/> sets up its ONNX Runtime session.</summary>
public sealed record InferenceOptions
{
    public InferenceDevice Device { get; init; } = InferenceDevice.Cpu;

    /// <summary>Which GPU, with <see cref="InferenceDevice.Cuda"/>.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>
    /// Threads ONNX Runtime may use inside one operator; 0 lets it choose (one per core). Callers that already run
    /// sessions on every core (the batch encoder) ask for 1, so the two kinds of threads do not compete.
    /// </summary>
    public int IntraOpThreads { get; init; }
}
