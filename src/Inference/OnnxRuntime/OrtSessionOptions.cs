namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>How <see cref="OrtSession.Open"/> sets up a session.</summary>
public sealed record OrtSessionOptions
{
    /// <summary>Threads that ORT may use inside one operator (its intra-op pool); 0 lets ORT choose, one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>How far ORT rewrites the graph when opening the model.</summary>
    public OrtGraphOptimization GraphOptimization { get; init; } = OrtGraphOptimization.All;
}
