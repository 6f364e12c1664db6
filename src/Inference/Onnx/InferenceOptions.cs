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

    /// <summary>
    /// Whether ONNX Runtime's pool threads spin while they wait for work (its default). Spinning is fastest for one large
    /// batch, whose operators follow each other at once (decoding 10,000 latents in one run: about 105,000 latents/s
    /// with it, 90,000 without), but between runs it keeps a core busy that the caller needs to prepare the next batch,
    /// so the ML.NET transforms turn it off (their Transform: about 20 % more rows/s without it on two cores).
    /// </summary>
    public bool Spin { get; init; } = true;
}
