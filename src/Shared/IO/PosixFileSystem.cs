using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace VaePipeline.IO;

/// <summary>
/// The few POSIX calls .NET does not expose: rename(2) that replaces a symbolic link or folder in one step, fsync(2)
/// of a folder (so a rename in it survives a power loss), and an open that refuses anything but a regular file
/// without blocking on a FIFO.
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
    /// Opens <paramref name="path"/> for reading if, after following links, it is a regular file, and gives its length.
    /// A FIFO, socket or device is refused with <see cref="NotARegularFileException"/>; opening a FIFO the usual way
    /// blocks until some writer appears, and a device may never end. On Linux the file is opened non-blocking and its
    /// type asked of the open descriptor (statx), so the check is about the very file that is read and costs no second
    /// path lookup; elsewhere .NET's open serves, without the check.
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing exists at the path.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read it, or it is a folder.</exception>
    /// <exception cref="NotARegularFileException">It is a FIFO, socket or device.</exception>
    /// <exception cref="IOException">Any other failure to open it; the message carries the OS's reason.</exception>
    public static SafeFileHandle OpenRegularFile(string path, out long length)
    {
        if (!OperatingSystem.IsLinux())
        {
            var handle = File.OpenHandle(path);
            length = RandomAccess.GetLength(handle);
            return handle;
        }

        int fd = open(path, ORdOnly | ONonBlock | ONoCtty | OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw errno switch
            {
                ENoEnt or ENotDir => new FileNotFoundException($"Could not find file '{path}'.", path),
                EAcces or EPerm => new UnauthorizedAccessException($"Access to the path '{path}' is denied."),
                _ => new IOException($"cannot open {path}: {new Win32Exception(errno).Message}"),
            };
        }
        var file = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        Span<byte> buffer = stackalloc byte[256]; // sizeof(struct statx)
        if (statx(fd, "", AtEmptyPath, StatxType | StatxSize, ref MemoryMarshal.GetReference(buffer)) != 0)
        {
            var failure = Failure($"cannot ask what {path} is");
            file.Dispose();
            throw failure;
        }
        // stx_mode & S_IFMT at offset 28, stx_size at 40.
        string? kind = (BitConverter.ToUInt16(buffer[28..]) & 0xF000) switch
        {
            0x8000 => null,
            0x4000 => "a folder",
            0x1000 => "a FIFO (named pipe)",
            0xC000 => "a socket",
            0x2000 => "a character device",
            0x6000 => "a block device",
            _ => "not a regular file",
        };
        if (kind is null)
        {
            length = (long)BitConverter.ToUInt64(buffer[40..]);
            return file;
        }
        file.Dispose();
        throw kind == "a folder" ? new UnauthorizedAccessException($"Access to the path '{path}' is denied: it is a folder.")
            : new NotARegularFileException(kind);
    }

    // Linux's values (x86-64 and arm64 alike).
    private const int ORdOnly = 0, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxType = 0x1, StatxSize = 0x200;
    private const int EPerm = 1, ENoEnt = 2, EAcces = 13, ENotDir = 20;

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
