namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>A model input or output as ORT reports it.</summary>
/// <param name="Name">The graph's name for it.</param>
/// <param name="ElementType">Type of its elements.</param>
/// <param name="Shape">Its dimensions, with -1 for each one the model leaves open (a dim_param such as the batch size).</param>
public sealed record OrtTensorInfo(string Name, OrtElementType ElementType, IReadOnlyList<long> Shape);
