using System.Buffers.Binary;
using System.IO.Compression;
using VaePipeline.IO;
using static System.FormattableString;

namespace VaePipeline.Data;

/// <summary>
/// Reads the idx files MNIST is distributed in: a big-endian header (magic number, then one int32 per dimension)
/// followed by exactly that many unsigned bytes. Files may be gzip-compressed or raw; which one is decided by the
/// gzip magic bytes, not by the file name, because people rename and decompress these files by hand.
/// Every problem is reported as a <see cref="MnistDataException"/> whose message starts with the path.
/// </summary>
public static class IdxFile
{
    /// <summary>Magic number of an idx file of unsigned bytes with three dimensions (count, rows, columns).</summary>
    public const int ImagesMagic = 0x00000803;

    /// <summary>Magic number of an idx file of unsigned bytes with one dimension (count).</summary>
    public const int LabelsMagic = 0x00000801;

    /// <summary>
    /// The largest image side accepted. Real idx image sets are a few dozen pixels wide, so a bigger value
    /// means a corrupt header, and refusing it early avoids allocating gigabytes for it.
    /// </summary>
    public const int MaxSide = 4096;

    public static IdxImages ReadImages(string path) => Read(path, content =>
    {
        var header = ReadHeader(content, path, ImagesMagic, dimensions: 3);
        int count = header[0], rows = header[1], columns = header[2];
        string what = Invariant($"{count:N0} images of {rows}×{columns}");
        if (count < 0 || rows <= 0 || columns <= 0 || rows > MaxSide || columns > MaxSide)
            throw Fail(path, $"bad dimensions: header says {what}");
        var pixels = ReadBody(content, path, (long)count * rows * columns, what);
        return new IdxImages(count, rows, columns, pixels);
    });

    public static byte[] ReadLabels(string path) => Read(path, content =>
    {
        int count = ReadHeader(content, path, LabelsMagic, dimensions: 1)[0];
        string what = Invariant($"{count:N0} labels");
        if (count < 0)
            throw Fail(path, $"bad dimensions: header says {what}");
        return ReadBody(content, path, count, what);
    });

    /// <summary>Opens the file, decompressing when it starts with the gzip magic, and turns I/O and gzip failures into messages naming the file.</summary>
    private static T Read<T>(string path, Func<Stream, T> parse)
    {
        try
        {
            using var handle = PosixFileSystem.OpenRegularFile(path, out _);
            using var file = new FileStream(handle, FileAccess.Read, bufferSize: 1 << 16);
            using var content = StartsWithGzipMagic(file) ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
            return parse(content);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw Fail(path, "no such file");
        }
        catch (NotARegularFileException e)
        {
            throw Fail(path, e.Message);
        }
        catch (InvalidDataException e)
        {
            throw Fail(path, $"corrupted gzip stream ({e.Message})");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Fail(path, $"cannot read ({e.Message})");
        }
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> start = stackalloc byte[2];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && start[0] == 0x1f && start[1] == 0x8b;
    }

    /// <summary>Reads and checks the magic number, then returns the dimensions that follow it.</summary>
    private static int[] ReadHeader(Stream content, string path, int expectedMagic, int dimensions)
    {
        Span<byte> header = stackalloc byte[4 * (1 + dimensions)];
        int read = content.ReadAtLeast(header, header.Length, throwOnEndOfStream: false);
        if (read == 0)
            throw Fail(path, "the file is empty");

        // The magic is checked before the length so that a wrong kind of file is reported as such,
        // not as a short header.
        if (read >= 4)
        {
            int magic = BinaryPrimitives.ReadInt32BigEndian(header);
            if (magic != expectedMagic)
                throw Fail(path, DescribeWrongMagic(magic, expectedMagic));
        }
        if (read < header.Length)
            throw Fail(path, Invariant($"truncated header: {read} of {header.Length} bytes"));

        var sizes = new int[dimensions];
        for (int i = 0; i < dimensions; i++)
            sizes[i] = BinaryPrimitives.ReadInt32BigEndian(header[(4 + 4 * i)..]);
        return sizes;
    }

    private static string DescribeWrongMagic(int magic, int expectedMagic)
    {
        string expected = Kind(expectedMagic);
        return magic is ImagesMagic or LabelsMagic
            ? Invariant($"this is an idx {Kind(magic)} file (magic 0x{magic:X8}), expected {expected} (magic 0x{expectedMagic:X8})")
            : Invariant($"not an idx {expected} file: bad magic 0x{magic:X8}, expected 0x{expectedMagic:X8}");
    }

    private static string Kind(int magic) => magic == ImagesMagic ? "images" : "labels";

    /// <summary>Reads exactly <paramref name="length"/> bytes straight into the result and requires the content to end there.</summary>
    private static byte[] ReadBody(Stream content, string path, long length, string what)
    {
        if (length > Array.MaxLength)
            throw Fail(path, Invariant($"bad dimensions: header says {what} ({length:N0} bytes), more than fits in memory"));

        var data = new byte[length];
        int read = content.ReadAtLeast(data, data.Length, throwOnEndOfStream: false);
        if (read < data.Length)
            throw Fail(path, Invariant($"truncated: header says {what} ({length:N0} bytes) but only {read:N0} bytes follow"));

        // Reading on to the end also makes GZipStream check the gzip trailer (CRC-32 and length).
        long trailing = CountRemainingBytes(content);
        if (trailing > 0)
            throw Fail(path, Invariant($"{trailing:N0} trailing bytes after the {what}"));
        return data;
    }

    private static long CountRemainingBytes(Stream content)
    {
        Span<byte> buffer = stackalloc byte[4096];
        long total = 0;
        int read;
        while ((read = content.Read(buffer)) > 0)
            total += read;
        return total;
    }

    private static MnistDataException Fail(string path, string problem) => new($"{path}: {problem}");
}
