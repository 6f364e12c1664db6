namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>
/// How far ONNX Runtime rewrites a graph when it opens a model: its <c>GraphOptimizationLevel</c>
/// (onnxruntime_c_api.h), with the same values.
/// </summary>
public enum OrtGraphOptimization
{
    /// <summary>No rewriting: the graph runs node for node as written.</summary>
    Disabled = 0,

    /// <summary>Semantics-preserving rewrites such as constant folding and removing redundant nodes.</summary>
    Basic = 1,

    /// <summary>Basic plus node fusions.</summary>
    Extended = 2,

    /// <summary>Everything, including layout changes; ONNX Runtime's own default.</summary>
    All = 99,
}
