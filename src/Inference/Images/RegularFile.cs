using System.Runtime.InteropServices;

namespace VaePipeline.Inference.Images;

/// <summary>
/// Refuses, before it is opened, a path that is not a regular file: opening a FIFO for reading blocks until some
/// writer appears, and a device or socket is no image either. .NET 10 has no public API for the file type, so this
/// asks Linux's statx(2), whose struct is the same on every architecture; elsewhere the check is left out.
/// </summary>
internal static unsafe partial class RegularFile
{
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const int ModeOffset = 28; // struct statx: stx_mask, stx_blksize, stx_attributes, stx_nlink, stx_uid, stx_gid, then stx_mode

    [LibraryImport("libc.so.6", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directory, string path, int flags, uint mask, byte* buffer);

    /// <summary>Follows links, as opening would. A path statx cannot look at is left for the open to report.</summary>
    /// <exception cref="IOException">The path is a FIFO, a socket or a device.</exception>
    public static void Require(string path)
    {
        if (!OperatingSystem.IsLinux()) return;
        byte* buffer = stackalloc byte[256];
        if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0 || (*(uint*)buffer & StatxType) == 0) return;
        string? kind = (*(ushort*)(buffer + ModeOffset) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => null, // a folder: opening it fails at once, with the UnauthorizedAccessException callers expect
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => "not a regular file",
        };
        if (kind is not null) throw new IOException($"{kind}, not a regular file; only regular files are read");
    }
}
