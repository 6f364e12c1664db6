using System.Runtime.InteropServices;

namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>
/// The functions of ONNX Runtime's C API that this binding calls, read from the <c>OrtApi</c> table that
/// <c>OrtApiBase::GetApi</c> returns.
/// </summary>
/// <remarks>
/// Every slot number in the program is in this file. A slot is the zero-based position of a member of
/// <c>struct OrtApi</c> in include/onnxruntime/core/session/onnxruntime_c_api.h (microsoft/onnxruntime), counted
/// member by member from <c>CreateStatus</c> = 0; the comment above each field is that member's C signature. The
/// count agrees with the static_asserts in onnxruntime/core/session/onnxruntime_c_api.cc (ReleaseCustomOpDomain =
/// 101, ReleaseModelMetadata = 118, AddFreeDimensionOverrideByName = 124). The struct only ever grows at its end, and
/// every slot used here dates from API version 3 or earlier, so the numbers hold for every later library.
/// The tests in tests/VaePipeline.Tests/OnnxRuntime call every function here except ReleaseEnv and
/// ReleaseMemoryInfo, which only a load that fails halfway reaches (see <see cref="OrtRuntime"/>).
/// Opaque ORT objects are <see cref="nint"/>; <c>size_t</c> is <see cref="nuint"/>; C enums are 32-bit.
/// </remarks>
internal sealed unsafe class OrtApi(void** table)
{
    // 1: OrtErrorCode GetErrorCode(const OrtStatus* status)
    public readonly delegate* unmanaged[Cdecl]<nint, OrtErrorCode> GetErrorCode =
        (delegate* unmanaged[Cdecl]<nint, OrtErrorCode>)table[1];

    // 2: const char* GetErrorMessage(const OrtStatus* status)
    public readonly delegate* unmanaged[Cdecl]<nint, byte*> GetErrorMessage =
        (delegate* unmanaged[Cdecl]<nint, byte*>)table[2];

    // 3: OrtStatus* CreateEnv(OrtLoggingLevel log_severity_level, const char* logid, OrtEnv** out)
    public readonly delegate* unmanaged[Cdecl]<int, byte*, nint*, nint> CreateEnv =
        (delegate* unmanaged[Cdecl]<int, byte*, nint*, nint>)table[3];

    // 7: OrtStatus* CreateSession(const OrtEnv* env, const ORTCHAR_T* model_path, const OrtSessionOptions* options,
    //                             OrtSession** out)          ORTCHAR_T is char (UTF-8) except on Windows (wchar_t)
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nint, nint*, nint> CreateSession =
        (delegate* unmanaged[Cdecl]<nint, void*, nint, nint*, nint>)table[7];

    // 9: OrtStatus* Run(OrtSession* session, const OrtRunOptions* run_options, const char* const* input_names,
    //                   const OrtValue* const* inputs, size_t input_len, const char* const* output_names,
    //                   size_t output_names_len, OrtValue** outputs)
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint> Run =
        (delegate* unmanaged[Cdecl]<nint, nint, byte**, nint*, nuint, byte**, nuint, nint*, nint>)table[9];

    // 10: OrtStatus* CreateSessionOptions(OrtSessionOptions** options)
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> CreateSessionOptions =
        (delegate* unmanaged[Cdecl]<nint*, nint>)table[10];

    // 23: OrtStatus* SetSessionGraphOptimizationLevel(OrtSessionOptions* options,
    //                                                 GraphOptimizationLevel graph_optimization_level)
    public readonly delegate* unmanaged[Cdecl]<nint, OrtGraphOptimization, nint> SetSessionGraphOptimizationLevel =
        (delegate* unmanaged[Cdecl]<nint, OrtGraphOptimization, nint>)table[23];

    // 24: OrtStatus* SetIntraOpNumThreads(OrtSessionOptions* options, int intra_op_num_threads)
    public readonly delegate* unmanaged[Cdecl]<nint, int, nint> SetIntraOpNumThreads =
        (delegate* unmanaged[Cdecl]<nint, int, nint>)table[24];

    // 30: OrtStatus* SessionGetInputCount(const OrtSession* session, size_t* out)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetInputCount =
        (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[30];

    // 31: OrtStatus* SessionGetOutputCount(const OrtSession* session, size_t* out)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> SessionGetOutputCount =
        (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[31];

    // 33: OrtStatus* SessionGetInputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetInputTypeInfo =
        (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[33];

    // 34: OrtStatus* SessionGetOutputTypeInfo(const OrtSession* session, size_t index, OrtTypeInfo** type_info)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint> SessionGetOutputTypeInfo =
        (delegate* unmanaged[Cdecl]<nint, nuint, nint*, nint>)table[34];

    // 36: OrtStatus* SessionGetInputName(const OrtSession* session, size_t index, OrtAllocator* allocator,
    //                                    char** value)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetInputName =
        (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[36];

    // 37: OrtStatus* SessionGetOutputName(const OrtSession* session, size_t index, OrtAllocator* allocator,
    //                                     char** value)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint> SessionGetOutputName =
        (delegate* unmanaged[Cdecl]<nint, nuint, nint, byte**, nint>)table[37];

    // 49: OrtStatus* CreateTensorWithDataAsOrtValue(const OrtMemoryInfo* info, void* p_data, size_t p_data_len,
    //                                               const int64_t* shape, size_t shape_len,
    //                                               ONNXTensorElementDataType type, OrtValue** out)
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, OrtElementType, nint*, nint>
        CreateTensorWithDataAsOrtValue =
            (delegate* unmanaged[Cdecl]<nint, void*, nuint, long*, nuint, OrtElementType, nint*, nint>)table[49];

    // 51: OrtStatus* GetTensorMutableData(OrtValue* value, void** out)
    public readonly delegate* unmanaged[Cdecl]<nint, void**, nint> GetTensorMutableData =
        (delegate* unmanaged[Cdecl]<nint, void**, nint>)table[51];

    // 55: OrtStatus* CastTypeInfoToTensorInfo(const OrtTypeInfo* type_info, const OrtTensorTypeAndShapeInfo** out)
    //     (out is null for a type that is not a tensor; it lives as long as type_info)
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> CastTypeInfoToTensorInfo =
        (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[55];

    // 60: OrtStatus* GetTensorElementType(const OrtTensorTypeAndShapeInfo* info, ONNXTensorElementDataType* out)
    public readonly delegate* unmanaged[Cdecl]<nint, OrtElementType*, nint> GetTensorElementType =
        (delegate* unmanaged[Cdecl]<nint, OrtElementType*, nint>)table[60];

    // 61: OrtStatus* GetDimensionsCount(const OrtTensorTypeAndShapeInfo* info, size_t* out)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetDimensionsCount =
        (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[61];

    // 62: OrtStatus* GetDimensions(const OrtTensorTypeAndShapeInfo* info, int64_t* dim_values,
    //                              size_t dim_values_length)
    public readonly delegate* unmanaged[Cdecl]<nint, long*, nuint, nint> GetDimensions =
        (delegate* unmanaged[Cdecl]<nint, long*, nuint, nint>)table[62];

    // 64: OrtStatus* GetTensorShapeElementCount(const OrtTensorTypeAndShapeInfo* info, size_t* out)
    public readonly delegate* unmanaged[Cdecl]<nint, nuint*, nint> GetTensorShapeElementCount =
        (delegate* unmanaged[Cdecl]<nint, nuint*, nint>)table[64];

    // 65: OrtStatus* GetTensorTypeAndShape(const OrtValue* value, OrtTensorTypeAndShapeInfo** out)
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> GetTensorTypeAndShape =
        (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[65];

    // 69: OrtStatus* CreateCpuMemoryInfo(enum OrtAllocatorType type, enum OrtMemType mem_type, OrtMemoryInfo** out)
    public readonly delegate* unmanaged[Cdecl]<int, int, nint*, nint> CreateCpuMemoryInfo =
        (delegate* unmanaged[Cdecl]<int, int, nint*, nint>)table[69];

    // 76: OrtStatus* AllocatorFree(OrtAllocator* ort_allocator, void* p)
    public readonly delegate* unmanaged[Cdecl]<nint, void*, nint> AllocatorFree =
        (delegate* unmanaged[Cdecl]<nint, void*, nint>)table[76];

    // 78: OrtStatus* GetAllocatorWithDefaultOptions(OrtAllocator** out)   (out is never freed)
    public readonly delegate* unmanaged[Cdecl]<nint*, nint> GetAllocatorWithDefaultOptions =
        (delegate* unmanaged[Cdecl]<nint*, nint>)table[78];

    // 92: void ReleaseEnv(OrtEnv* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseEnv =
        (delegate* unmanaged[Cdecl]<nint, void>)table[92];

    // 93: void ReleaseStatus(OrtStatus* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseStatus =
        (delegate* unmanaged[Cdecl]<nint, void>)table[93];

    // 94: void ReleaseMemoryInfo(OrtMemoryInfo* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseMemoryInfo =
        (delegate* unmanaged[Cdecl]<nint, void>)table[94];

    // 95: void ReleaseSession(OrtSession* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSession =
        (delegate* unmanaged[Cdecl]<nint, void>)table[95];

    // 96: void ReleaseValue(OrtValue* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseValue =
        (delegate* unmanaged[Cdecl]<nint, void>)table[96];

    // 98: void ReleaseTypeInfo(OrtTypeInfo* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTypeInfo =
        (delegate* unmanaged[Cdecl]<nint, void>)table[98];

    // 99: void ReleaseTensorTypeAndShapeInfo(OrtTensorTypeAndShapeInfo* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseTensorTypeAndShapeInfo =
        (delegate* unmanaged[Cdecl]<nint, void>)table[99];

    // 100: void ReleaseSessionOptions(OrtSessionOptions* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseSessionOptions =
        (delegate* unmanaged[Cdecl]<nint, void>)table[100];

    // 111: OrtStatus* SessionGetModelMetadata(const OrtSession* session, OrtModelMetadata** out)
    public readonly delegate* unmanaged[Cdecl]<nint, nint*, nint> SessionGetModelMetadata =
        (delegate* unmanaged[Cdecl]<nint, nint*, nint>)table[111];

    // 112: OrtStatus* ModelMetadataGetProducerName(const OrtModelMetadata* model_metadata, OrtAllocator* allocator,
    //                                              char** value)
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte**, nint> ModelMetadataGetProducerName =
        (delegate* unmanaged[Cdecl]<nint, nint, byte**, nint>)table[112];

    // 116: OrtStatus* ModelMetadataLookupCustomMetadataMap(const OrtModelMetadata* model_metadata,
    //                                                      OrtAllocator* allocator, const char* key, char** value)
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte*, byte**, nint> ModelMetadataLookupCustomMetadataMap =
        (delegate* unmanaged[Cdecl]<nint, nint, byte*, byte**, nint>)table[116];

    // 118: void ReleaseModelMetadata(OrtModelMetadata* input)
    public readonly delegate* unmanaged[Cdecl]<nint, void> ReleaseModelMetadata =
        (delegate* unmanaged[Cdecl]<nint, void>)table[118];

    // 123: OrtStatus* ModelMetadataGetCustomMetadataMapKeys(const OrtModelMetadata* model_metadata,
    //                                                       OrtAllocator* allocator, char*** keys, int64_t* num_keys)
    public readonly delegate* unmanaged[Cdecl]<nint, nint, byte***, long*, nint> ModelMetadataGetCustomMetadataMapKeys =
        (delegate* unmanaged[Cdecl]<nint, nint, byte***, long*, nint>)table[123];

    /// <summary>Throws the <see cref="OrtException"/> that a non-null <c>OrtStatus*</c> describes, after freeing it.</summary>
    public void Check(nint status)
    {
        if (status == 0) return;
        var code = GetErrorCode(status);
        string message = Marshal.PtrToStringUTF8((nint)GetErrorMessage(status)) ?? "";
        ReleaseStatus(status);
        throw new OrtException(code, message);
    }
}
