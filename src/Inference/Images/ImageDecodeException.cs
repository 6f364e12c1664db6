namespace VaePipeline.Inference.Images;

/// <summary>The bytes are not an image this project can read: empty, truncated, corrupt, or of another format. The message says which.</summary>
public sealed class ImageDecodeException(string message) : Exception(message);
