namespace VaePipeline.Inference.Onnx;

/// <summary>The device asked for cannot run ONNX Runtime here; the message says why and what would fix it.</summary>
public sealed class InferenceDeviceException(string message, Exception? inner = null) : Exception(message, inner);
