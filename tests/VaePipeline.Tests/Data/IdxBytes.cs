using System.Buffers.Binary;
using System.IO.Compression;

namespace VaePipeline.Tests.Data;

/// <summary>Builds small idx files in memory, so that every malformation can be made on purpose.</summary>
internal static class IdxBytes
{
    public static byte[] Images(int count, int rows = 28, int columns = 28) =>
        [.. Header(0x00000803, count, rows, columns), .. new byte[count * rows * columns]];

    public static byte[] Labels(params byte[] labels) => [.. Header(0x00000801, labels.Length), .. labels];

    public static byte[] Header(int magic, params int[] dimensions)
    {
        var header = new byte[4 * (1 + dimensions.Length)];
        BinaryPrimitives.WriteInt32BigEndian(header, magic);
        for (int i = 0; i < dimensions.Length; i++)
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4 + 4 * i), dimensions[i]);
        return header;
    }

    public static byte[] Gzip(byte[] content)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest))
            gzip.Write(content);
        return compressed.ToArray();
    }

    public static byte[] Gunzip(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var content = new MemoryStream();
        gzip.CopyTo(content);
        return content.ToArray();
    }
}
