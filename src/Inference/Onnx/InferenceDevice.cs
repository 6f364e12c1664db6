namespace VaePipeline.Inference.Onnx;

/// <summary>Where ONNX Runtime runs a model.</summary>
public enum InferenceDevice
{
    /// <summary>ONNX Runtime's CPU execution provider; every build has it.</summary>
    Cpu,

    /// <summary>
    /// ONNX Runtime's CUDA execution provider, on the GPU numbered <see cref="InferenceOptions.CudaDeviceId"/>. Needs the
    /// CUDA build of ONNX Runtime (build with <c>-p:OnnxRuntimeGpu=true</c>), an NVIDIA driver, CUDA 13 and cuDNN 9.
    /// </summary>
    Cuda,
}
