using System.ComponentModel;
using System.Runtime.InteropServices;

namespace VaePipeline.IO;

/// <summary>
/// The few POSIX calls .NET does not expose: rename(2) that replaces a symbolic link or folder in one step, fsync(2)
/// of a folder (so a rename in it survives a power loss), and the file type, which tells a regular file from a FIFO
/// or a device before opening it (opening a FIFO blocks until some writer appears).
/// </summary>
public static partial class PosixFileSystem
{
    /// <summary>Atomically gives <paramref name="from"/> the name <paramref name="to"/>, replacing whatever file, link or empty folder had it.</summary>
    /// <exception cref="IOException">The rename failed; the message carries the OS's reason.</exception>
    public static void Rename(string from, string to)
    {
        if (rename(from, to) != 0) throw Failure($"cannot rename {from} to {to}");
    }

    /// <summary>Flushes a folder's entries (names created, renamed or removed in it) to disk.</summary>
    public static void SyncDirectory(string path)
    {
        int fd = open(path, 0 /* O_RDONLY */);
        if (fd < 0) throw Failure($"cannot open folder {path}");
        try
        {
            if (fsync(fd) != 0) throw Failure($"cannot flush folder {path}");
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>
    /// False when <paramref name="path"/> exists but, after following links, is not a regular file (a FIFO, socket,
    /// device or folder). Only Linux has the stable statx layout this reads; elsewhere every path counts as regular.
    /// </summary>
    public static bool IsRegularOrMissing(string path)
    {
        if (!OperatingSystem.IsLinux()) return true;
        Span<byte> buffer = stackalloc byte[256]; // sizeof(struct statx)
        if (statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0) return true; // missing: the caller's open says so
        ushort mode = BitConverter.ToUInt16(buffer[28..]); // stx_mode
        return (mode & 0xF000) == 0x8000; // S_IFMT, S_IFREG
    }

    private const int AtFdCwd = -100;
    private const uint StatxType = 1;

    private static IOException Failure(string what) => new($"{what}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string oldpath, string newpath);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int fsync(int fd);

    [LibraryImport("libc")]
    private static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
