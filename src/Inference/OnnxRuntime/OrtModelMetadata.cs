namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>What a model says about itself, read once when the session opens.</summary>
/// <param name="ProducerName">ModelProto.producer_name ("" when the model does not set it).</param>
/// <param name="Custom">ModelProto.metadata_props: the model's own key-value pairs.</param>
public sealed record OrtModelMetadata(string ProducerName, IReadOnlyDictionary<string, string> Custom);
