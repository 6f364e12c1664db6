using Microsoft.ML.OnnxRuntime;

namespace VaePipeline.Inference.Onnx;

/// <summary>Opens ONNX Runtime sessions on the device and with the threads that <see cref="InferenceOptions"/> ask for.</summary>
internal static class OnnxSessions
{
    private const string CudaProvider = "CUDAExecutionProvider";

    /// <summary>Opens a model held in memory.</summary>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime cannot load the model (not ONNX, an invalid graph…).</exception>
    /// <exception cref="InferenceDeviceException">CUDA was asked for and cannot start.</exception>
    public static InferenceSession Open(byte[] model, InferenceOptions options)
    {
        using var session = new SessionOptions { IntraOpNumThreads = options.IntraOpThreads };
        if (options.Device == InferenceDevice.Cuda) AppendCuda(session, options.CudaDeviceId);
        return new InferenceSession(model, session);
    }

    private static void AppendCuda(SessionOptions session, int deviceId)
    {
        if (!OrtEnv.Instance().GetAvailableProviders().Contains(CudaProvider))
            throw new InferenceDeviceException(
                "this build's ONNX Runtime has no CUDA execution provider; build with -p:OnnxRuntimeGpu=true " +
                "(Microsoft.ML.OnnxRuntime.Gpu.Linux, which needs CUDA 13 and cuDNN 9), or use --device cpu");
        try
        {
            session.AppendExecutionProvider_CUDA(deviceId);
        }
        catch (OnnxRuntimeException e)
        {
            // Typically a missing libcudart/libcublas/libcudnn or no NVIDIA driver; ORT's message names the library.
            throw new InferenceDeviceException($"CUDA could not start on GPU {deviceId}: {e.Message}", e);
        }
    }
}
