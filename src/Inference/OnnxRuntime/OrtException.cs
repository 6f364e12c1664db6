namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>An ONNX Runtime call failed: the error code and message from the <c>OrtStatus</c> it returned.</summary>
public sealed class OrtException(OrtErrorCode errorCode, string message) : Exception(message)
{
    /// <summary>ONNX Runtime's code for the failure.</summary>
    public OrtErrorCode ErrorCode { get; } = errorCode;
}
