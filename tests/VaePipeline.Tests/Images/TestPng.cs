using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace VaePipeline.Tests.Images;

/// <summary>PNG colour types the tests write (no palettes: those come from a fixture).</summary>
public enum PngColorType
{
    Gray = 0,
    Rgb = 2,
    GrayAlpha = 4,
    Rgba = 6,
}

/// <summary>
/// A minimal PNG encoder, independent of the product's codec, so the tests can make the files the product only reads:
/// 16-bit, colour and alpha images, optionally with ancillary chunks such as gAMA. Every row is written unfiltered.
/// </summary>
internal static class TestPng
{
    private static readonly uint[] crcTable = MakeCrcTable();

    /// <param name="samples">Rows top-down with no padding; 16-bit samples big-endian, as PNG stores them.</param>
    /// <param name="ancillary">Chunks written between IHDR and IDAT.</param>
    public static byte[] Encode(int width, int height, int bitDepth, PngColorType colorType, byte[] samples,
        params (string Type, byte[] Data)[] ancillary)
    {
        int rowBytes = samples.Length / height;
        using var png = new MemoryStream();
        png.Write([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);

        var header = new byte[13];   // width, height, bit depth, colour type; compression, filter, interlace 0
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colorType;
        WriteChunk(png, "IHDR", header);
        foreach (var (type, data) in ancillary)
            WriteChunk(png, type, data);

        using var compressed = new MemoryStream();
        using (var zlib = new ZLibStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
            for (int y = 0; y < height; y++)
            {
                zlib.WriteByte(0);   // filter type None
                zlib.Write(samples, y * rowBytes, rowBytes);
            }
        WriteChunk(png, "IDAT", compressed.ToArray());
        WriteChunk(png, "IEND", []);
        return png.ToArray();
    }

    /// <summary>A gAMA chunk: the file's gamma as an integer times 100,000 (100000 tags the samples as linear light).</summary>
    public static (string, byte[]) Gamma(int gammaTimes100000)
    {
        var data = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(data, gammaTimes100000);
        return ("gAMA", data);
    }

    private static void WriteChunk(Stream png, string type, byte[] data)
    {
        byte[] name = Encoding.ASCII.GetBytes(type);
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteInt32BigEndian(word, data.Length);
        png.Write(word);
        png.Write(name);
        png.Write(data);
        // The CRC covers the chunk type and data, not the length.
        BinaryPrimitives.WriteUInt32BigEndian(word, ~Crc(Crc(uint.MaxValue, name), data));
        png.Write(word);
    }

    /// <summary>CRC-32 (ISO 3309, polynomial 0xEDB88320 reflected), as the PNG specification defines it.</summary>
    private static uint Crc(uint crc, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes)
            crc = crcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        return crc;
    }

    private static uint[] MakeCrcTable()
    {
        var table = new uint[256];
        for (uint n = 0; n < 256; n++)
        {
            uint c = n;
            for (int k = 0; k < 8; k++)
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            table[n] = c;
        }
        return table;
    }
}
