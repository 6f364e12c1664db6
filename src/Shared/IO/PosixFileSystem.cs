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
    /// What <paramref name="path"/> is, after following links, when it exists and is neither a regular file nor a
    /// folder: "a FIFO (named pipe)", "a socket", "a character device" or "a block device"; otherwise null, and opening
    /// it reports anything else. Only Linux has the stable statx layout this reads; elsewhere the answer is null.
    /// </summary>
    public static string? SpecialFileKind(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        Span<byte> buffer = stackalloc byte[256]; // sizeof(struct statx)
        if (statx(AtFdCwd, path, 0, StatxType, ref MemoryMarshal.GetReference(buffer)) != 0) return null; // missing: the open says so
        if ((BitConverter.ToUInt32(buffer) & StatxType) == 0) return null; // stx_mask: the kernel did not fill in the type
        return (BitConverter.ToUInt16(buffer[28..]) & 0xF000) switch // stx_mode & S_IFMT
        {
            0x8000 or 0x4000 => null, // a regular file, or a folder, which opening refuses at once
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => "not a regular file",
        };
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
