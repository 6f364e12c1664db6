using System.Runtime.InteropServices;

namespace VaePipeline.Inference.Images;

/// <summary>
/// The two codec libraries images go through, by the versioned sonames Debian installs, and the check that they are
/// there. The P/Invoke declarations name the sonames directly (dlopen finds them through the loader cache), so no
/// DllImportResolver is needed: a resolver is one per assembly, and the ONNX Runtime binding lives in this one too.
/// </summary>
internal static class NativeImageLibraries
{
    public const string Png = "libpng16.so.16";
    public const string TurboJpeg = "libturbojpeg.so.0";

    private static readonly Lazy<bool> pngPresent = new(() => CanLoad(Png));
    private static readonly Lazy<bool> turboJpegPresent = new(() => CanLoad(TurboJpeg));

    /// <exception cref="DllNotFoundException">libpng is not installed; the message names the Debian package.</exception>
    public static void EnsurePng()
    {
        if (!pngPresent.Value)
            throw Missing(Png, "libpng16-16");
    }

    /// <exception cref="DllNotFoundException">The TurboJPEG library is not installed; the message names the Debian package.</exception>
    public static void EnsureTurboJpeg()
    {
        if (!turboJpegPresent.Value)
            throw Missing(TurboJpeg, "libturbojpeg0");
    }

    // Without this check the first call would fail with the runtime's list of every path it probed, which buries
    // the one fact the user needs: which package to install.
    private static bool CanLoad(string soname) => NativeLibrary.TryLoad(soname, out _);

    private static DllNotFoundException Missing(string soname, string debianPackage) => new(
        $"{soname} cannot be loaded: install the Debian package {debianPackage} (apt-get install {debianPackage}).");
}
