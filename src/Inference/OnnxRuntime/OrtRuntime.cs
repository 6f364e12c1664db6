using System.Runtime.InteropServices;

namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>
/// The ONNX Runtime native library, loaded once per process on first use: where it came from, its version, and the
/// process-wide objects every session shares (the function table, the environment, the CPU memory description).
/// </summary>
public static unsafe class OrtRuntime
{
    /// <summary>Environment variable holding the full path of the library to load instead of the default.</summary>
    public const string PathVariable = "VAE_ONNXRUNTIME_PATH";

    /// <summary>The library's file name beside the application's assemblies, where the build puts it on linux-x64.</summary>
    public const string DefaultFileName = "libonnxruntime.so.1";

    // The C API version asked of GetApi: that of the library the build fetches and the tests run (1.23.2). Every
    // slot the binding uses is older, and ORT hands the same table to every version it knows, so this asks for
    // nothing extra; it makes an older library named by VAE_ONNXRUNTIME_PATH fail here, with its version in the
    // message, instead of running a combination nobody has tested.
    private const uint ApiVersion = 23;

    private static readonly Lazy<Loaded> s_loaded = new(Load);

    /// <summary>Full path of the loaded library (loads it if this is the first use).</summary>
    public static string LibraryPath => s_loaded.Value.Path;

    /// <summary>The library's version string, e.g. "1.23.2" (loads it if this is the first use).</summary>
    public static string Version => s_loaded.Value.Version;

    internal static OrtApi Api => s_loaded.Value.Api;

    // The process-wide objects below are released only if loading fails halfway; otherwise they live as long as the
    // process, because a session may be opened at any time.

    /// <summary>The one OrtEnv of the process (ORT wants one; it owns logging and the global state).</summary>
    internal static OrtHandle Env => s_loaded.Value.Env;

    /// <summary>Describes caller-owned CPU buffers to CreateTensorWithDataAsOrtValue; ORT only reads it.</summary>
    internal static OrtHandle CpuMemory => s_loaded.Value.CpuMemory;

    /// <summary>ORT's default CPU allocator, which allocates the strings ORT hands back (names, metadata).</summary>
    internal static nint DefaultAllocator => s_loaded.Value.DefaultAllocator;

    /// <summary>Copies a string that ORT allocated with the default allocator, then frees it there.</summary>
    internal static string TakeString(byte* utf8)
    {
        try
        {
            return Marshal.PtrToStringUTF8((nint)utf8) ?? "";
        }
        finally
        {
            FreeDefault(utf8);
        }
    }

    internal static void FreeDefault(void* pointer) => Api.Check(Api.AllocatorFree(DefaultAllocator, pointer));

    private sealed record Loaded(
        string Path, string Version, OrtApi Api, nint DefaultAllocator, OrtHandle Env, OrtHandle CpuMemory);

    private static Loaded Load()
    {
        string? fromVariable = Environment.GetEnvironmentVariable(PathVariable);
        string path = string.IsNullOrEmpty(fromVariable)
            ? System.IO.Path.Combine(AppContext.BaseDirectory, DefaultFileName)
            : System.IO.Path.GetFullPath(fromVariable);

        string origin = string.IsNullOrEmpty(fromVariable) ? "beside the assemblies" : $"from {PathVariable}";
        string remedy = $"On linux-x64 the build puts it beside the assemblies (see docs/onnxruntime.md); elsewhere set " +
                        $"{PathVariable} to the full path of an ONNX Runtime shared library, version 1.23 or newer.";
        if (!File.Exists(path))
            throw new DllNotFoundException($"ONNX Runtime is not at {path} ({origin}). {remedy}");

        nint library;
        try
        {
            // By full path: the package ships only the versioned name libonnxruntime.so.1, which no
            // DllImport("onnxruntime") probe would find.
            library = NativeLibrary.Load(path);
        }
        catch (DllNotFoundException e)
        {
            throw new DllNotFoundException($"Cannot load ONNX Runtime from {path} ({origin}): {e.Message.Trim()} {remedy}", e);
        }
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out nint getApiBaseExport))
            throw new EntryPointNotFoundException($"{path} ({origin}) is not ONNX Runtime: it exports no OrtGetApiBase. {remedy}");

        // const OrtApiBase* OrtGetApiBase(void), the library's only C entry point; OrtApiBase is
        // { const OrtApi* (*GetApi)(uint32_t version); const char* (*GetVersionString)(void); }.
        var getApiBase = (delegate* unmanaged[Cdecl]<void**>)getApiBaseExport;
        void** apiBase = getApiBase();
        var getApi = (delegate* unmanaged[Cdecl]<uint, void**>)apiBase[0];
        var getVersionString = (delegate* unmanaged[Cdecl]<byte*>)apiBase[1];

        string version = Marshal.PtrToStringUTF8((nint)getVersionString()) ?? "";
        void** table = getApi(ApiVersion);
        if (table == null)
            throw new NotSupportedException(
                $"ONNX Runtime {version} at {path} does not offer C API version {ApiVersion}; VaePipeline needs 1.23 or newer.");

        var api = new OrtApi(table);
        nint allocator, env, cpuMemory;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator));
        fixed (byte* logId = "vaepipeline"u8)
            api.Check(api.CreateEnv(OrtLoggingLevelWarning, logId, &env));
        var envHandle = new OrtHandle(env, api.ReleaseEnv);
        api.Check(api.CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &cpuMemory));
        return new Loaded(path, version, api, allocator, envHandle, new OrtHandle(cpuMemory, api.ReleaseMemoryInfo));
    }

    // OrtLoggingLevel, OrtAllocatorType and OrtMemType values from onnxruntime_c_api.h.
    private const int OrtLoggingLevelWarning = 2;
    private const int OrtArenaAllocator = 1;
    private const int OrtMemTypeDefault = 0;
}
