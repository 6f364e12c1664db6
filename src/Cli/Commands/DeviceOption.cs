using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Cli.Commands;

/// <summary>The inference commands' <c>--device cpu|cuda</c>: where ONNX Runtime runs the models.</summary>
internal static class DeviceOption
{
    public static Option<Spelled<InferenceDevice>> Create() => EnumOption.Create("--device",
        "Where ONNX Runtime runs the model. cuda needs a build with -p:OnnxRuntimeGpu=true, an NVIDIA driver, CUDA 13 and cuDNN 9; " +
        "without them the command stops with the reason.", InferenceDevice.Cpu);

    public static InferenceOptions Read(ParseResult parse, Option<Spelled<InferenceDevice>> option, int intraOpThreads = 0)
    {
        // ONNX Runtime logs its own errors to the console; the commands report each failure as one error line instead.
        OrtEnv.Instance().EnvLogLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_FATAL;
        return new() { Device = parse.GetValue(option).Value, IntraOpThreads = intraOpThreads };
    }
}
