namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>A float32 tensor that <see cref="OrtSession.Run"/> produced, copied out of ORT: row-major values and their shape.</summary>
public sealed record OutputTensor(float[] Data, IReadOnlyList<long> Shape);
