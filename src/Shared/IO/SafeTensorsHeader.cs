using System.Buffers;
using System.Text.Json;

namespace VaePipeline.IO;

/// <summary>
/// The JSON header of a safetensors file: encoding it for <see cref="SafeTensors.Write"/>, and decoding
/// and validating it for <see cref="SafeTensors.Read"/>. Every rule about names, shapes and data offsets
/// lives here so that the writer and the reader agree on them.
/// </summary>
internal static class SafeTensorsHeader
{
    /// <summary>The reserved key whose value is a string-to-string map rather than a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The only dtype this project stores.</summary>
    public const string Float32 = "F32";

    /// <summary>
    /// The reference implementation rejects longer headers; checking first means a corrupt length
    /// prefix cannot make the reader allocate gigabytes.
    /// </summary>
    public const ulong MaxLength = 100_000_000;

    /// <summary>
    /// The header is padded with spaces to a multiple of this so that, after the 8-byte length prefix,
    /// the data buffer starts aligned, as the reference implementation does (it lets readers map
    /// tensors in place).
    /// </summary>
    private const int Alignment = 8;

    /// <summary>A tensor described by a decoded header; offsets are relative to the data buffer.</summary>
    public sealed record Entry(string Name, int[] Shape, int ElementCount, long Begin, long End);

    /// <summary>A validated header: tensors sorted by where their data lies, and the metadata.</summary>
    public sealed record Decoded(IReadOnlyList<Entry> Entries, IReadOnlyDictionary<string, string> Metadata);

    /// <summary>
    /// Validates the tensors and returns the padded header bytes that describe them laid out
    /// back to back, in the order given.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, reserved or repeated, or a shape does not match its data.</exception>
    public static byte[] Encode(IReadOnlyList<NamedTensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        ValidateForWriting(tensors);

        var json = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(json))
        {
            writer.WriteStartObject();
            if (metadata is not null)
            {
                writer.WriteStartObject(MetadataKey);
                foreach ((string key, string value) in metadata)
                    writer.WriteString(key, value);
                writer.WriteEndObject();
            }

            long offset = 0;
            foreach (NamedTensor tensor in tensors)
            {
                long end = offset + (long)tensor.Data.Length * sizeof(float);
                writer.WriteStartObject(tensor.Name);
                writer.WriteString("dtype", Float32);
                writer.WriteStartArray("shape");
                foreach (int dimension in tensor.Shape)
                    writer.WriteNumberValue(dimension);
                writer.WriteEndArray();
                writer.WriteStartArray("data_offsets");
                writer.WriteNumberValue(offset);
                writer.WriteNumberValue(end);
                writer.WriteEndArray();
                writer.WriteEndObject();
                offset = end;
            }
            writer.WriteEndObject();
        }

        int paddedLength = (json.WrittenCount + Alignment - 1) / Alignment * Alignment;
        var header = new byte[paddedLength];
        json.WrittenSpan.CopyTo(header);
        header.AsSpan(json.WrittenCount).Fill((byte)' ');
        return header;
    }

    /// <summary>
    /// Parses <paramref name="json"/> and checks that its tensors are F32, that each one's offsets match
    /// its shape, and that together they tile the <paramref name="bufferLength"/>-byte data buffer
    /// exactly: no gaps, no overlaps, nothing past the end.
    /// </summary>
    /// <exception cref="SafeTensorsException">Any violation; the message names <paramref name="path"/>.</exception>
    public static Decoded Decode(string path, ReadOnlyMemory<byte> json, long bufferLength)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new SafeTensorsException(path, $"header is not valid JSON: {e.Message}", e);
        }

        using (document)
        {
            try
            {
                return DecodeRoot(path, document.RootElement, bufferLength);
            }
            catch (InvalidOperationException e)
            {
                // Parse checks the structure but decodes strings lazily: invalid UTF-8, or an escaped lone
                // surrogate, only surfaces here, when a name or value is read.
                throw new SafeTensorsException(path, $"header has a string that is not valid Unicode: {e.Message}", e);
            }
        }
    }

    private static Decoded DecodeRoot(string path, JsonElement root, long bufferLength)
    {
        if (root.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsException(path, $"header must be a JSON object, found {root.ValueKind}");

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        // JSON itself allows repeated keys; a repeated tensor name would make the file ambiguous.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (JsonProperty property in root.EnumerateObject())
        {
            if (!seen.Add(property.Name))
                throw new SafeTensorsException(path, $"header has the key '{property.Name}' more than once");
            if (property.Name == MetadataKey)
                ReadMetadata(path, property.Value, metadata);
            else
                entries.Add(ReadEntry(path, property, bufferLength));
        }

        // Sort by data position; the sort is stable, so zero-length tensors sharing an offset keep header order.
        List<Entry> inDataOrder = entries.OrderBy(e => e.Begin).ThenBy(e => e.End).ToList();
        CheckTiling(path, inDataOrder, bufferLength);
        return new Decoded(inDataOrder, metadata);
    }

    private static void ValidateForWriting(IReadOnlyList<NamedTensor> tensors)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (NamedTensor tensor in tensors)
        {
            if (string.IsNullOrEmpty(tensor.Name))
                throw new ArgumentException("Tensor names must be non-empty.", nameof(tensors));
            if (tensor.Name == MetadataKey)
                throw new ArgumentException($"'{MetadataKey}' is reserved for the file's metadata and cannot name a tensor.", nameof(tensors));
            if (!names.Add(tensor.Name))
                throw new ArgumentException($"Duplicate tensor name '{tensor.Name}'.", nameof(tensors));
            if (tensor.Shape.Any(d => d < 0))
                throw new ArgumentException($"Tensor '{tensor.Name}' has a negative dimension in shape {Format(tensor.Shape)}.", nameof(tensors));
            if (ElementCount(tensor.Shape) != tensor.Data.Length)
                throw new ArgumentException(
                    $"Tensor '{tensor.Name}' has shape {Format(tensor.Shape)} but {tensor.Data.Length} values.", nameof(tensors));
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsException(path, $"'{MetadataKey}' must be an object, found {value.ValueKind}");
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw new SafeTensorsException(path, $"'{MetadataKey}' values must be strings; '{item.Name}' is {item.Value.ValueKind}");
            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
                throw new SafeTensorsException(path, $"'{MetadataKey}' has the key '{item.Name}' more than once");
        }
    }

    private static Entry ReadEntry(string path, JsonProperty property, long bufferLength)
    {
        string name = property.Name;
        if (name.Length == 0)
            throw new SafeTensorsException(path, "a tensor has an empty name");
        if (property.Value.ValueKind != JsonValueKind.Object)
            throw new SafeTensorsException(path, $"tensor '{name}' must be an object, found {property.Value.ValueKind}");

        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonProperty field in property.Value.EnumerateObject())
        {
            if (field.Name is not ("dtype" or "shape" or "data_offsets"))
                throw new SafeTensorsException(path, $"tensor '{name}' has an unexpected field '{field.Name}'");
            if (!fields.TryAdd(field.Name, field.Value))
                throw new SafeTensorsException(path, $"tensor '{name}' has the field '{field.Name}' more than once");
        }
        if (!fields.TryGetValue("dtype", out JsonElement dtype)
            || !fields.TryGetValue("shape", out JsonElement shape)
            || !fields.TryGetValue("data_offsets", out JsonElement offsets))
            throw new SafeTensorsException(path, $"tensor '{name}' needs the fields 'dtype', 'shape' and 'data_offsets'");

        if (dtype.ValueKind != JsonValueKind.String || dtype.GetString() != Float32)
            throw new SafeTensorsException(path, $"tensor '{name}' has unsupported dtype {dtype.GetRawText()}; only \"{Float32}\" is supported");

        int[] dimensions = ReadIntegers(shape, int.MaxValue)
            ?.Select(d => (int)d).ToArray()
            ?? throw new SafeTensorsException(path, $"tensor '{name}' shape {shape.GetRawText()} must be an array of non-negative integers");

        if (ReadIntegers(offsets, long.MaxValue) is not [long begin, long end])
            throw new SafeTensorsException(path, $"tensor '{name}' data_offsets {offsets.GetRawText()} must be [begin, end] with non-negative integers");
        if (end < begin)
            throw new SafeTensorsException(path, $"tensor '{name}' data_offsets [{begin}, {end}] end before they begin");
        if (end > bufferLength)
            throw new SafeTensorsException(path,
                $"tensor '{name}' data_offsets [{begin}, {end}] run past the end of the {bufferLength}-byte data buffer (file truncated?)");

        int elementCount = ElementCount(dimensions)
            ?? throw new SafeTensorsException(path, $"tensor '{name}' shape {Format(dimensions)} has more elements than an array can hold");
        long byteLength = (long)elementCount * sizeof(float);
        if (end - begin != byteLength)
            throw new SafeTensorsException(path,
                $"tensor '{name}' shape {Format(dimensions)} needs {byteLength} bytes but data_offsets [{begin}, {end}] span {end - begin}");

        return new Entry(name, dimensions, elementCount, begin, end);
    }

    private static void CheckTiling(string path, List<Entry> inDataOrder, long bufferLength)
    {
        long covered = 0;
        Entry? previous = null;
        foreach (Entry entry in inDataOrder)
        {
            if (entry.Begin < covered)
                throw new SafeTensorsException(path,
                    $"tensor '{entry.Name}' data_offsets [{entry.Begin}, {entry.End}] overlap tensor '{previous!.Name}' [{previous.Begin}, {previous.End}]");
            if (entry.Begin > covered)
                throw new SafeTensorsException(path, $"bytes [{covered}, {entry.Begin}) of the data buffer belong to no tensor");
            covered = entry.End;
            previous = entry;
        }
        if (covered != bufferLength)
            throw new SafeTensorsException(path, $"bytes [{covered}, {bufferLength}) at the end of the data buffer belong to no tensor");
    }

    /// <summary>The values of a JSON array of integers in [0, <paramref name="max"/>], or null if it is anything else.</summary>
    private static long[]? ReadIntegers(JsonElement array, long max)
    {
        if (array.ValueKind != JsonValueKind.Array)
            return null;
        var values = new long[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long value) || value < 0 || value > max)
                return null;
            values[i++] = value;
        }
        return values;
    }

    /// <summary>The number of elements of a non-negative shape, or null if one array could not hold them.</summary>
    private static int? ElementCount(int[] shape)
    {
        long count = 1;
        foreach (int dimension in shape)
            // Saturating just above the limit keeps the product from overflowing while a later 0 can still zero it.
            count = Math.Min(count * dimension, (long)Array.MaxLength + 1);
        return count <= Array.MaxLength ? (int)count : null;
    }

    private static string Format(int[] shape) => $"[{string.Join(", ", shape)}]";
}
