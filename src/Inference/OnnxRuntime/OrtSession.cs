using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>
/// An ONNX model opened in ONNX Runtime on the CPU, run on float32 tensors.
/// </summary>
/// <remarks>
/// <see cref="Run"/> may be called from many threads at once: ORT's Run is thread-safe for one session, and this
/// class keeps no state that a run changes (every buffer of a run is its own). <see cref="Dispose"/> while runs are
/// in flight releases the session when the last of them returns. <see cref="Inputs"/>, <see cref="Outputs"/> and
/// <see cref="Metadata"/> are read once when the session opens.
/// </remarks>
public sealed unsafe class OrtSession : IDisposable
{
    private readonly OrtHandle _session;
    private readonly string[] _outputNames;

    private OrtSession(OrtHandle session, OrtTensorInfo[] inputs, OrtTensorInfo[] outputs, OrtModelMetadata metadata)
    {
        _session = session;
        Inputs = inputs;
        Outputs = outputs;
        Metadata = metadata;
        _outputNames = [.. outputs.Select(o => o.Name)];
    }

    public IReadOnlyList<OrtTensorInfo> Inputs { get; }

    public IReadOnlyList<OrtTensorInfo> Outputs { get; }

    public OrtModelMetadata Metadata { get; }

    /// <summary>Opens the model file at <paramref name="modelPath"/>.</summary>
    /// <exception cref="OrtException">ORT cannot open or load it (missing file, not ONNX, invalid graph…).</exception>
    /// <exception cref="NotSupportedException">An input or output is not a tensor (a sequence or a map).</exception>
    public static OrtSession Open(string modelPath, OrtSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        options ??= new OrtSessionOptions();
        var api = OrtRuntime.Api;

        nint optionsPointer;
        api.Check(api.CreateSessionOptions(&optionsPointer));
        using var sessionOptions = new OrtHandle(optionsPointer, api.ReleaseSessionOptions);
        api.Check(api.SetIntraOpNumThreads(optionsPointer, options.IntraOpThreads));
        api.Check(api.SetSessionGraphOptimizationLevel(optionsPointer, options.GraphOptimization));

        nint sessionPointer;
        nint env = OrtRuntime.Env.DangerousGetHandle(); // rooted for the life of the process
        if (OperatingSystem.IsWindows())
        {
            fixed (char* path = modelPath) // ORTCHAR_T is wchar_t there
                api.Check(api.CreateSession(env, path, optionsPointer, &sessionPointer));
        }
        else
        {
            fixed (byte* path = Utf8Z(modelPath))
                api.Check(api.CreateSession(env, path, optionsPointer, &sessionPointer));
        }

        var session = new OrtHandle(sessionPointer, api.ReleaseSession);
        try
        {
            return new OrtSession(session,
                ReadTensorInfos(api, sessionPointer, "input", api.SessionGetInputCount, api.SessionGetInputName,
                    api.SessionGetInputTypeInfo),
                ReadTensorInfos(api, sessionPointer, "output", api.SessionGetOutputCount, api.SessionGetOutputName,
                    api.SessionGetOutputTypeInfo),
                ReadMetadata(api, sessionPointer));
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Runs the model on <paramref name="inputs"/> (by input name) and returns the outputs by name.</summary>
    /// <param name="outputNames">The outputs to compute; all of them, in model order, when null.</param>
    /// <exception cref="OrtException">ORT rejects the inputs (unknown name, missing input, wrong shape…) or the run fails.</exception>
    /// <exception cref="NotSupportedException">A requested output is not float32.</exception>
    /// <exception cref="ObjectDisposedException">The session is disposed.</exception>
    public IReadOnlyDictionary<string, OutputTensor> Run(
        IReadOnlyDictionary<string, InputTensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ObjectDisposedException.ThrowIf(_session.IsClosed, this);
        outputNames ??= _outputNames;
        bool added = false;
        try
        {
            _session.DangerousAddRef(ref added); // keeps a concurrent Dispose from releasing the session mid-run
            return RunCore(OrtRuntime.Api, _session.DangerousGetHandle(), [.. inputs], [.. outputNames]);
        }
        finally
        {
            if (added) _session.DangerousRelease();
        }
    }

    public void Dispose() => _session.Dispose();

    private static Dictionary<string, OutputTensor> RunCore(
        OrtApi api, nint session, KeyValuePair<string, InputTensor>[] inputs, string[] outputNames)
    {
        int inputCount = inputs.Length, outputCount = outputNames.Length;
        var pins = new MemoryHandle[inputCount];
        var inputValues = new OrtHandle?[inputCount];
        var outputValues = new OrtHandle?[outputCount];
        try
        {
            var inputPointers = new nint[inputCount];
            nint cpuMemory = OrtRuntime.CpuMemory.DangerousGetHandle(); // rooted for the life of the process
            for (int i = 0; i < inputCount; i++)
            {
                // ORT wraps the buffer without copying it, so it stays pinned until the OrtValue is released.
                var tensor = inputs[i].Value;
                pins[i] = tensor.Data.Pin();
                long[] shape = tensor.ShapeArray;
                nint value;
                fixed (long* dims = shape)
                    api.Check(api.CreateTensorWithDataAsOrtValue(cpuMemory, pins[i].Pointer,
                        (nuint)tensor.Data.Length * sizeof(float), dims, (nuint)shape.Length, OrtElementType.Float,
                        &value));
                inputValues[i] = new OrtHandle(value, api.ReleaseValue);
                inputPointers[i] = value;
            }

            byte[] names = Utf8Z([.. inputs.Select(p => p.Key), .. outputNames], out int[] starts);
            var outputPointers = new nint[outputCount]; // null entries: ORT allocates each output
            fixed (byte* nameBytes = names)
            {
                var namePointers = new nint[starts.Length];
                for (int i = 0; i < starts.Length; i++) namePointers[i] = (nint)(nameBytes + starts[i]);
                fixed (nint* inputNames = namePointers, values = inputPointers, outputs = outputPointers)
                {
                    api.Check(api.Run(session, 0, (byte**)inputNames, values, (nuint)inputCount,
                        (byte**)(inputNames + inputCount), (nuint)outputCount, outputs));
                }
            }
            for (int i = 0; i < outputCount; i++) outputValues[i] = new OrtHandle(outputPointers[i], api.ReleaseValue);

            var results = new Dictionary<string, OutputTensor>(outputCount);
            for (int i = 0; i < outputCount; i++)
                results[outputNames[i]] = ReadOutput(api, outputNames[i], outputPointers[i]);
            return results;
        }
        finally
        {
            foreach (var value in outputValues) value?.Dispose();
            foreach (var value in inputValues) value?.Dispose();
            foreach (var pin in pins) pin.Dispose();
        }
    }

    private static OutputTensor ReadOutput(OrtApi api, string name, nint value)
    {
        nint info;
        api.Check(api.GetTensorTypeAndShape(value, &info));
        using var infoHandle = new OrtHandle(info, api.ReleaseTensorTypeAndShapeInfo);
        var (elementType, shape) = ReadTypeAndShape(api, info);
        if (elementType != OrtElementType.Float)
            throw new NotSupportedException($"Output '{name}' holds {elementType} values; Run reads float32 outputs only.");
        nuint count;
        api.Check(api.GetTensorShapeElementCount(info, &count));
        void* data;
        api.Check(api.GetTensorMutableData(value, &data));
        return new OutputTensor(new ReadOnlySpan<float>(data, checked((int)count)).ToArray(), shape);
    }

    private static OrtTensorInfo[] ReadTensorInfos(OrtApi api, nint session, string kind,
        delegate* unmanaged[Cdecl]<nint, nuint*, nint> getCount,
        delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> getName,
        delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> getTypeInfo)
    {
        nuint count;
        api.Check(getCount(session, &count));
        var infos = new OrtTensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* namePointer;
            api.Check(getName(session, i, OrtRuntime.DefaultAllocator, &namePointer));
            string name = OrtRuntime.TakeString(namePointer);

            nint typeInfo, tensorInfo;
            api.Check(getTypeInfo(session, i, &typeInfo));
            using var typeInfoHandle = new OrtHandle(typeInfo, api.ReleaseTypeInfo);
            api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo)); // owned by typeInfo
            if (tensorInfo == 0)
                throw new NotSupportedException($"Model {kind} '{name}' is not a tensor; VaePipeline reads tensor models only.");
            var (elementType, shape) = ReadTypeAndShape(api, tensorInfo);
            infos[i] = new OrtTensorInfo(name, elementType, shape);
        }
        return infos;
    }

    private static (OrtElementType ElementType, long[] Shape) ReadTypeAndShape(OrtApi api, nint tensorInfo)
    {
        OrtElementType elementType;
        api.Check(api.GetTensorElementType(tensorInfo, &elementType));
        nuint rank;
        api.Check(api.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        fixed (long* dims = shape)
            api.Check(api.GetDimensions(tensorInfo, dims, rank));
        return (elementType, shape);
    }

    private static OrtModelMetadata ReadMetadata(OrtApi api, nint session)
    {
        nint metadata;
        api.Check(api.SessionGetModelMetadata(session, &metadata));
        using var metadataHandle = new OrtHandle(metadata, api.ReleaseModelMetadata);
        nint allocator = OrtRuntime.DefaultAllocator;

        byte* producer;
        api.Check(api.ModelMetadataGetProducerName(metadata, allocator, &producer));
        string producerName = OrtRuntime.TakeString(producer);

        byte** keyPointers;
        long keyCount;
        api.Check(api.ModelMetadataGetCustomMetadataMapKeys(metadata, allocator, &keyPointers, &keyCount));
        var keys = new string[keyCount];
        if (keyPointers != null) // null when the map is empty
        {
            try
            {
                for (long i = 0; i < keyCount; i++) keys[i] = Marshal.PtrToStringUTF8((nint)keyPointers[i]) ?? "";
            }
            finally
            {
                // The key strings and the array that holds them all come from the allocator.
                for (long i = 0; i < keyCount; i++) OrtRuntime.FreeDefault(keyPointers[i]);
                OrtRuntime.FreeDefault(keyPointers);
            }
        }

        var custom = new Dictionary<string, string>(keys.Length);
        foreach (string key in keys)
        {
            byte* value;
            fixed (byte* keyBytes = Utf8Z(key))
                api.Check(api.ModelMetadataLookupCustomMetadataMap(metadata, allocator, keyBytes, &value));
            custom[key] = OrtRuntime.TakeString(value);
        }
        return new OrtModelMetadata(producerName, custom);
    }

    private static byte[] Utf8Z(string text) => Utf8Z([text], out _);

    /// <summary>The strings as NUL-terminated UTF-8, back to back; <paramref name="starts"/> is where each begins.</summary>
    private static byte[] Utf8Z(string[] texts, out int[] starts)
    {
        starts = new int[texts.Length];
        int length = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            starts[i] = length;
            length += Encoding.UTF8.GetByteCount(texts[i]) + 1;
        }
        var bytes = new byte[length]; // zero-filled, so every terminator is already there
        for (int i = 0; i < texts.Length; i++) Encoding.UTF8.GetBytes(texts[i], bytes.AsSpan(starts[i]));
        return bytes;
    }
}
