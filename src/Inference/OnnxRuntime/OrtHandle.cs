using System.Runtime.InteropServices;

namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>
/// Owns one ORT object (env, session options, session, memory info, value, type info, tensor type-and-shape info,
/// model metadata) and hands it to the Release function of its kind exactly once: on Dispose, or from the finalizer
/// if nobody disposed it. SafeHandle's reference count also keeps a session alive while a Run on another thread
/// still uses it.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged[Cdecl]<nint, void> _release;

    /// <param name="pointer">What an ORT Create/Get call returned; never null.</param>
    /// <param name="release">The OrtApi Release function for that kind of object, e.g. <see cref="OrtApi.ReleaseValue"/>.</param>
    public OrtHandle(nint pointer, delegate* unmanaged[Cdecl]<nint, void> release) : base(0, ownsHandle: true)
    {
        _release = release;
        SetHandle(pointer);
    }

    public override bool IsInvalid => handle == 0;

    protected override bool ReleaseHandle()
    {
        _release(handle);
        return true;
    }
}
