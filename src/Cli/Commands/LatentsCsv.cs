using System.Globalization;

namespace VaePipeline.Cli.Commands;

/// <summary>Latents read from a CSV file: <see cref="Count"/> rows of D floats, and each row's source image when the file names one.</summary>
internal sealed record LatentsTable(float[] Latents, int Count, string[]? SourcePaths);

/// <summary>
/// Reads the latents file of <c>vae decode --latents</c>. After a header, each line is one latent, in either of two
/// forms: exactly D numeric columns (any names), or the columns <c>mu_0</c> … <c>mu_{D−1}</c> among others, as
/// <c>vae encode</c> writes them (<c>path</c>, <c>mu_*</c>, <c>log_sigma_*</c>); then the means are decoded and the
/// <c>path</c> column, if present, names each row's image. Fields may be quoted as in RFC 4180, so a path may hold commas.
/// </summary>
internal static class LatentsCsv
{
    public const string PathColumn = "path";

    public static string MeanColumn(int index) => $"mu_{index}";

    /// <exception cref="InvalidDataException">The file does not hold D-dimensional latents; the message names the line and column.</exception>
    public static LatentsTable Read(string file, int latentSize)
    {
        using var lines = File.ReadLines(file).GetEnumerator();
        if (!lines.MoveNext()) throw new InvalidDataException($"{file} is empty: a latents file starts with a header line");
        string[] header = Fields(lines.Current, file, 1).Select(name => name.Trim()).ToArray();
        var (latentColumns, pathColumn) = Layout(header, file, latentSize);

        var latents = new List<float>();
        var paths = pathColumn >= 0 ? new List<string>() : null;
        for (int line = 2; lines.MoveNext(); line++)
        {
            if (string.IsNullOrWhiteSpace(lines.Current)) continue;
            string[] fields = Fields(lines.Current, file, line);
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

    /// <summary>Splits one line at commas; a field in double quotes may hold commas, and "" inside it is one quote.</summary>
    private static string[] Fields(string line, string file, int lineNumber)
    {
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c != '"') field.Append(c);
                else if (i + 1 < line.Length && line[i + 1] == '"') field.Append(line[++i]);
                else quoted = false;
            }
            else if (c == '"') quoted = true;
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else field.Append(c);
        }
        if (quoted) throw new InvalidDataException($"{file} line {lineNumber}: a quoted field is not closed");
        fields.Add(field.ToString());
        return [.. fields];
    }
}
