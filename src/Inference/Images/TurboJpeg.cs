using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VaePipeline.Inference.Images;

/// <summary>
/// The TurboJPEG API of libjpeg-turbo 2.x (turbojpeg.h). Like libpng's simplified API it catches libjpeg's longjmp
/// errors inside each call and reports them through a -1 result and <see cref="ErrorText"/>.
/// </summary>
internal static unsafe partial class TurboJpeg
{
    /// <summary>TJPF_GRAY: one byte per pixel. Colour JPEGs come out as their luma (Y) channel.</summary>
    public const int PixelFormatGray = 6;

    // TJCS_*: the colorspace tjDecompressHeader3 reports.
    public const int ColorspaceCmyk = 3;
    public const int ColorspaceYcck = 4;

    /// <summary>
    /// TJFLAG_STOPONWARNING: libjpeg's warnings (premature end of data, corrupt entropy data) mean the file is damaged;
    /// stop at the first instead of returning a partly invented image.
    /// </summary>
    public const int FlagStopOnWarning = 8192;

    [LibraryImport(NativeImageLibraries.TurboJpeg, EntryPoint = "tjInitDecompress")]
    public static partial Handle InitDecompress();

    [LibraryImport(NativeImageLibraries.TurboJpeg, EntryPoint = "tjDecompressHeader3")]
    public static partial int DecompressHeader(
        Handle handle, byte* jpeg, CULong jpegSize, out int width, out int height, out int subsampling, out int colorspace);

    [LibraryImport(NativeImageLibraries.TurboJpeg, EntryPoint = "tjDecompress2")]
    public static partial int Decompress(
        Handle handle, byte* jpeg, CULong jpegSize, byte* destination, int width, int pitch, int height, int pixelFormat, int flags);

    [LibraryImport(NativeImageLibraries.TurboJpeg, EntryPoint = "tjGetErrorStr2")]
    private static partial nint GetErrorStr(Handle handle);

    [LibraryImport(NativeImageLibraries.TurboJpeg, EntryPoint = "tjDestroy")]
    private static partial int Destroy(nint handle);

    /// <summary>Why the last call on <paramref name="handle"/> failed. The text lives in the handle; it is copied, never freed.</summary>
    public static string ErrorText(Handle handle) => Marshal.PtrToStringUTF8(GetErrorStr(handle)) ?? "unknown TurboJPEG error";

    /// <summary>A tjhandle, destroyed with tjDestroy. One handle must not be used by two threads at once.</summary>
    public sealed class Handle : SafeHandleZeroOrMinusOneIsInvalid
    {
        public Handle() : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle() => Destroy(handle) == 0;
    }
}
