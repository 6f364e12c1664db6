using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace VaePipeline.IO;

/// <summary>
/// Reads and writes float32 checkpoints in the Hugging Face safetensors format, so that they load in
/// Python with <c>safetensors.torch.load_file</c>. Layout: an 8-byte little-endian header length N,
/// N bytes of UTF-8 JSON describing each tensor's dtype, shape and byte range, then the tensors'
/// little-endian data back to back.
/// </summary>
public static class SafeTensors
{
    private const int LengthPrefixSize = sizeof(ulong);

    /// <summary>
    /// Writes <paramref name="tensors"/>, in the order given, to <paramref name="path"/> atomically
    /// (see <see cref="AtomicFile"/>): a failure leaves any previous file in place.
    /// </summary>
    /// <param name="metadata">Stored as the header's <c>__metadata__</c> entry when not null.</param>
    /// <exception cref="ArgumentException">
    /// A name is empty, repeated or <c>__metadata__</c>, or a shape has a negative dimension or does not
    /// match the number of values. Nothing is written.
    /// </exception>
    public static void Write(string path, IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        RequireLittleEndianHost();
        byte[] header = SafeTensorsHeader.Encode(tensors, metadata);

        AtomicFile.Write(path, stream =>
        {
            Span<byte> prefix = stackalloc byte[LengthPrefixSize];
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
            stream.Write(prefix);
            stream.Write(header);
            foreach (NamedTensor tensor in tensors)
                stream.Write(MemoryMarshal.AsBytes(tensor.Data.Span));
        });
    }

    /// <summary>Reads and validates a safetensors file whose tensors are all F32.</summary>
    /// <exception cref="SafeTensorsException">
    /// The file is truncated, its header length is implausible, its header is not valid JSON or not a
    /// valid description of the data, a dtype is not F32, or the tensors' byte ranges do not exactly
    /// tile the data buffer. The message names the file and the problem.
    /// </exception>
    public static SafeTensorsFile Read(string path)
    {
        RequireLittleEndianHost();
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1 << 16);
        long fileLength = stream.Length;
        if (fileLength < LengthPrefixSize)
            throw new SafeTensorsException(path, $"the file is {fileLength} bytes, too short for the {LengthPrefixSize}-byte header length (truncated?)");

        Span<byte> prefix = stackalloc byte[LengthPrefixSize];
        stream.ReadExactly(prefix);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > SafeTensorsHeader.MaxLength)
            throw new SafeTensorsException(path,
                $"header length {headerLength} exceeds the {SafeTensorsHeader.MaxLength}-byte limit (not a safetensors file?)");
        long dataStart = LengthPrefixSize + (long)headerLength;
        if (dataStart > fileLength)
            throw new SafeTensorsException(path,
                $"header length {headerLength} runs past the end of the {fileLength}-byte file (truncated?)");

        var json = new byte[headerLength];
        stream.ReadExactly(json);
        SafeTensorsHeader.Decoded header = SafeTensorsHeader.Decode(path, json, fileLength - dataStart);

        // Decode has checked that the entries tile the data buffer from its start, in this order,
        // so reading them one after another lands each tensor's bytes in its own array.
        var tensors = new List<LoadedTensor>(header.Entries.Count);
        foreach (SafeTensorsHeader.Entry entry in header.Entries)
        {
            var data = new float[entry.ElementCount];
            stream.ReadExactly(MemoryMarshal.AsBytes(data.AsSpan()));
            tensors.Add(new LoadedTensor(entry.Name, entry.Shape, data));
        }
        return new SafeTensorsFile(path, tensors, header.Metadata);
    }

    /// <summary>
    /// Tensor data is copied between float memory and the file without conversion, which matches the
    /// format's little-endian byte order only on little-endian hosts (every platform this project runs on).
    /// </summary>
    private static void RequireLittleEndianHost()
    {
        if (!BitConverter.IsLittleEndian)
            throw new PlatformNotSupportedException("safetensors I/O copies float memory as little-endian bytes and needs a little-endian host.");
    }
}
