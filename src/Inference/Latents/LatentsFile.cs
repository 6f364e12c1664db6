using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using VaePipeline.IO;

namespace VaePipeline.Inference.Latents;

/// <summary>How a latents file is written.</summary>
public enum LatentFormat
{
    /// <summary>Header <c>path,mu_0..mu_{D-1},log_sigma_0..log_sigma_{D-1}</c>, one row per image (RFC 4180, <see cref="VaePipeline.IO.Csv"/>).</summary>
    Csv,

    /// <summary>One object per line: <c>{"path":…,"mu":[…],"log_sigma":[…]}</c>.</summary>
    Jsonl,
}

/// <summary>Latents read from a CSV file: <see cref="Count"/> rows of D floats, and each row's source image when the file names one.</summary>
public sealed record LatentsTable(float[] Latents, int Count, string[]? SourcePaths);

/// <summary>
/// The latents file: <see cref="Write"/> stores encoded images (as <c>vae encode</c> does) and <see cref="Read"/>
/// reads latents back (as <c>vae decode --latents</c> does), through the same CSV dialect, so every path written,
/// with commas, quotes or line breaks, reads back exactly.
/// </summary>
public static class LatentsFile
{
    public const string PathColumn = "path";

    public static string MeanColumn(int index) => $"mu_{index}";

    public static string LogSigmaColumn(int index) => $"log_sigma_{index}";

    /// <summary>Writes the encoded images, in input order and without the failed ones, atomically in UTF-8.</summary>
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

    /// <summary>
    /// Reads D-dimensional latents from a CSV file. After a header (required: a first line of numbers is refused, not
    /// taken as names), each record is one latent, in either of two forms:
    /// exactly D numeric columns (any names), or the columns <c>mu_0</c> … <c>mu_{D−1}</c> among others, as
    /// <see cref="Write"/> writes them; then the means are read and the <c>path</c> column, if present, names each row's image.
    /// </summary>
    /// <exception cref="InvalidDataException">The file does not hold D-dimensional latents; the message names the line and column.</exception>
    public static LatentsTable Read(string file, int latentSize)
    {
        using var records = Csv.Records(file).GetEnumerator();
        if (!records.MoveNext()) throw new InvalidDataException($"{file} is empty: a latents file starts with a header line");
        string[] header = [.. records.Current.Fields.Select(name => name.Trim())];
        // Read as a header, a first row of numbers would silently drop that latent.
        if (header.All(name => double.TryParse(name, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            throw new InvalidDataException(
                $"{file} line 1 holds numbers, not column names: a latents file starts with a header line (e.g. z1,z2, or {PathColumn},{MeanColumn(0)},… as 'vae encode' writes)");
        var (latentColumns, pathColumn) = Layout(header, file, latentSize);

        var latents = new List<float>();
        var paths = pathColumn >= 0 ? new List<string>() : null;
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Length != header.Length)
                throw new InvalidDataException(
                    $"{file} line {line}: {fields.Length} {(fields.Length == 1 ? "column" : "columns")}, but the header has {header.Length}");
            foreach (int column in latentColumns)
                latents.Add(Number(fields[column], file, line, column, header[column]));
            paths?.Add(fields[pathColumn]);
        }
        if (latents.Count == 0) throw new InvalidDataException($"{file} holds a header but no latents");
        return new LatentsTable([.. latents], latents.Count / latentSize, paths?.ToArray());
    }

    /// <summary>Which columns hold the latent's D values, in order, and which the source path (−1: none).</summary>
    private static (int[] LatentColumns, int PathColumn) Layout(string[] header, string file, int latentSize)
    {
        if (!header.Contains(MeanColumn(0)))
        {
            if (header.Length != latentSize)
                throw new InvalidDataException(
                    $"{file}: the header has {header.Length} columns, but the decoder's latents have D = {latentSize}; " +
                    $"give {latentSize} numeric columns, or the columns {MeanColumn(0)}..{MeanColumn(latentSize - 1)} as 'vae encode' writes them");
            return ([.. Enumerable.Range(0, latentSize)], -1);
        }

        int means = 0;
        while (header.Contains(MeanColumn(means))) means++;
        if (means != latentSize)
            throw new InvalidDataException(
                $"{file} holds {means}-D latents ({MeanColumn(0)}..{MeanColumn(means - 1)}), but the decoder's latents have D = {latentSize}");
        return ([.. Enumerable.Range(0, latentSize).Select(i => Array.IndexOf(header, MeanColumn(i)))], Array.IndexOf(header, PathColumn));
    }

    private static float Number(string field, string file, int line, int column, string name)
    {
        string where = $"{file} line {line}, column {column + 1} ({name})";
        if (!float.TryParse(field, NumberStyles.Float, CultureInfo.InvariantCulture, out float value))
            throw new InvalidDataException($"{where}: '{field}' is not a number");
        // float.Parse accepts "NaN" and "Infinity", and turns 1e39 into infinity; none of them is a point in latent space.
        if (!float.IsFinite(value))
            throw new InvalidDataException($"{where}: '{field}' is not a finite float");
        return value;
    }

    private static void WriteCsv(Stream stream, IReadOnlyList<ImageInput> inputs, EncodedImages encoded)
    {
        int d = encoded.LatentSize;
        using var writer = new StreamWriter(stream, new UTF8Encoding(false), bufferSize: 1 << 16, leaveOpen: true) { NewLine = "\n" };
        writer.Write(PathColumn);
        for (int j = 0; j < d; j++) writer.Write($",{MeanColumn(j)}");
        for (int j = 0; j < d; j++) writer.Write($",{LogSigmaColumn(j)}");
        writer.WriteLine();

        for (int i = 0; i < inputs.Count; i++)
        {
            if (encoded.Failures[i] is not null) continue;
            writer.Write(Csv.Field(inputs[i].Name));
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

    private static void WriteJsonLines(Stream stream, IReadOnlyList<ImageInput> inputs, EncodedImages encoded)
    {
        int d = encoded.LatentSize;
        // Relaxed escaping keeps non-ASCII paths readable; the file is data, never embedded in HTML.
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        for (int i = 0; i < inputs.Count; i++)
        {
            if (encoded.Failures[i] is not null) continue;
            json.WriteStartObject();
            json.WriteString(PathColumn, inputs[i].Name);
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
