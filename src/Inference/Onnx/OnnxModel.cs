using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace VaePipeline.Inference.Onnx;

/// <summary>
/// One ONNX model file, read once into memory and opened in ONNX Runtime: the session, the bytes (kept so that an ML.NET
/// pipeline can save the model inside its zip) and a float32 runner that writes into the caller's buffers.
/// </summary>
/// <remarks>ONNX Runtime's Run is thread-safe for one session, and <see cref="Run"/> keeps no state between calls.</remarks>
internal sealed class OnnxModel : IDisposable
{
    /// <summary>Far above any VAE of this project (the K&amp;W model is 3.2 MB), far below what would exhaust memory.</summary>
    public const long MaxBytes = 1L << 30;

    private readonly RunOptions _run = new();

    private OnnxModel(string source, byte[] bytes, InferenceSession session)
    {
        Source = source;
        Bytes = bytes;
        Session = session;
    }

    /// <summary>Where the model came from, for messages (a path).</summary>
    public string Source { get; }

    public byte[] Bytes { get; }

    public InferenceSession Session { get; }

    public IReadOnlyDictionary<string, string> Metadata => Session.ModelMetadata.CustomMetadataMap;

    /// <summary>Opens the model at <paramref name="path"/> and hands it to <paramref name="wrap"/>, which checks its contract.</summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">Too large, ONNX Runtime cannot load it, or <paramref name="wrap"/> refuses it.</exception>
    /// <exception cref="InferenceDeviceException">The device asked for cannot start.</exception>
    public static T Open<T>(string path, InferenceOptions? options, Func<OnnxModel, T> wrap)
    {
        var model = Open(path, options);
        try
        {
            return wrap(model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static OnnxModel Open(string path, InferenceOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var file = new FileInfo(path);
        if (!file.Exists)
            throw new FileNotFoundException(Directory.Exists(path) ? $"{path} is a folder, not an ONNX model" : $"the model {path} does not exist", path);
        if (file.Length > MaxBytes)
            throw new InvalidDataException($"{path}: {file.Length:N0} bytes is too large for a VAE model");
        byte[] bytes = File.ReadAllBytes(path);
        try
        {
            return new OnnxModel(path, bytes, OnnxSessions.Open(bytes, options ?? new InferenceOptions()));
        }
        catch (OnnxRuntimeException e)
        {
            throw new InvalidDataException($"{path}: ONNX Runtime cannot load it as a model: {e.Message}", e);
        }
    }

    /// <summary>Runs one input of [rows, inputWidth] floats into outputs of [rows, width] floats each, in place.</summary>
    public void Run(string inputName, ReadOnlyMemory<float> input, int inputWidth,
        IReadOnlyList<string> outputNames, IReadOnlyList<Memory<float>> outputs, IReadOnlyList<int> outputWidths)
    {
        long rows = input.Length / inputWidth;
        var values = new OrtValue[outputs.Count];
        try
        {
            // ORT reads inputs and writes outputs straight from and into the pinned managed buffers: no copies.
            using var inputValue = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance,
                MemoryMarshal.AsMemory(input), [rows, inputWidth]);
            for (int i = 0; i < outputs.Count; i++)
                values[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, outputs[i], [rows, outputWidths[i]]);
            Session.Run(_run, [inputName], [inputValue], outputNames, values);
        }
        finally
        {
            foreach (var value in values) value?.Dispose();
        }
    }

    public void Dispose()
    {
        Session.Dispose();
        _run.Dispose();
    }
}
