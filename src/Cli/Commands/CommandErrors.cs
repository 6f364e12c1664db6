using VaePipeline.Data;
using VaePipeline.Inference.Onnx;
using VaePipeline.IO;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Loop;

namespace VaePipeline.Cli.Commands;

/// <summary>Turns the failures a user can cause or fix into one "error:" line and exit code 1; anything else is a bug and keeps its stack trace.</summary>
internal static class CommandErrors
{
    public static async Task<int> Run(Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is MnistDataException or CheckpointException or SafeTensorsException or TrainingDivergedException
                                       or InvalidDataException or InferenceDeviceException or TrainingDeviceException or ArgumentException or IOException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
