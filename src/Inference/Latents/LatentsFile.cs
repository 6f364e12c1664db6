using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using VaePipeline.IO;

namespace VaePipeline.Cli.Encoding;

/// <summary>How <c>vae encode</c> writes latents.</summary>
internal enum LatentFormat
{
    /// <summary>Header <c>path,mu_0..mu_{D-1},log_sigma_0..log_sigma_{D-1}</c>, one row per image (RFC 4180).</summary>
    Csv,

    /// <summary>One object per line: <c>{"path":…,"mu":[…],"log_sigma":[…]}</c>.</summary>
    Jsonl,
}

/// <summary>Writes the encoded images, in input order and without the failed ones, atomically in UTF-8.</summary>
internal static class LatentFile
{
    public static void Write(string path, LatentFormat format, IReadOnlyList<ImageInput> inputs, EncodedImages encoded)
    {
        AtomicFile.Write(path, stream =>
        {
            if (format == LatentFormat.Csv)
                WriteCsv(stream, inputs, encoded);
            else
                WriteJsonLines(stream, inputs, encoded);
        });
    }

    private static void WriteCsv(Stream stream, IReadOnlyList<ImageInput> inputs, EncodedImages encoded)
    {
        int d = encoded.LatentSize;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.Write("path");
        for (int j = 0; j < d; j++) writer.Write($",mu_{j}");
        for (int j = 0; j < d; j++) writer.Write($",log_sigma_{j}");
        writer.WriteLine();

        for (int i = 0; i < inputs.Count; i++)
        {
            if (encoded.Failures[i] is not null) continue;
            writer.Write(CsvField(inputs[i].Name));
            WriteCsvValues(writer, encoded.Mean.AsSpan(i * d, d));
            WriteCsvValues(writer, encoded.LogSigma.AsSpan(i * d, d));
            writer.WriteLine();
        }
    }

    private static void WriteCsvValues(StreamWriter writer, ReadOnlySpan<float> values)
    {
        Span<char> number = stackalloc char[32];
        foreach (float v in values)
        {
            // "R": the shortest text that parses back to the same float.
            v.TryFormat(number, out int length, "R", CultureInfo.InvariantCulture);
            writer.Write(',');
            writer.Write(number[..length]);
        }
    }

    /// <summary>RFC 4180: a field holding a comma, a quote or a line break is quoted, its quotes doubled.</summary>
    private static string CsvField(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"")}\"";

    private static void WriteJsonLines(Stream stream, IReadOnlyList<ImageInput> inputs, EncodedImages encoded)
    {
        int d = encoded.LatentSize;
        // Relaxed escaping keeps non-ASCII paths readable; the file is data, never embedded in HTML.
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        for (int i = 0; i < inputs.Count; i++)
        {
            if (encoded.Failures[i] is not null) continue;
            json.WriteStartObject();
            json.WriteString("path", inputs[i].Name);
            WriteArray(json, "mu", encoded.Mean.AsSpan(i * d, d));
            WriteArray(json, "log_sigma", encoded.LogSigma.AsSpan(i * d, d));
            json.WriteEndObject();
            json.Flush();
            json.Reset();
            stream.WriteByte((byte)'\n');
        }
    }

    private static void WriteArray(Utf8JsonWriter json, string name, ReadOnlySpan<float> values)
    {
        json.WriteStartArray(name);
        foreach (float v in values) json.WriteNumberValue(v);
        json.WriteEndArray();
    }
}
