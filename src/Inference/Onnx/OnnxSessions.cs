using System.Runtime.InteropServices;
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
        if (!options.Spin) session.AddSessionConfigEntry("session.intra_op.allow_spinning", "0");
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
            // ORT's own message says only "Failed to load shared library"; the library at fault is named in its log.
            var missing = CudaLibraries.Where(name => !NativeLibrary.TryLoad(name, out _)).ToArray();
            string cause = missing.Length > 0
                ? $"{string.Join(", ", missing)} cannot be loaded (install the NVIDIA driver, CUDA 13 and cuDNN 9, or add their folders to LD_LIBRARY_PATH)"
                : e.Message;
            throw new InferenceDeviceException($"CUDA could not start on GPU {deviceId}: {cause}", e);
        }
    }

    /// <summary>What ONNX Runtime 1.31's CUDA provider links or opens: the driver, the CUDA 13 runtime and cuDNN 9.</summary>
    private static readonly string[] CudaLibraries =
        ["libcuda.so.1", "libcudart.so.13", "libcublas.so.13", "libcublasLt.so.13", "libcurand.so.10", "libcudnn.so.9"];
}
