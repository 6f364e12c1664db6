using System.Text;

namespace VaePipeline.IO;

/// <summary>One CSV record: its fields, and the line it starts on (1-based) for messages.</summary>
public readonly record struct CsvRecord(int Line, string[] Fields);

/// <summary>
/// The project's one CSV dialect, RFC 4180: fields separated by commas, records by LF, CRLF or CR; a field in double
/// quotes may hold commas, quotes (written twice) and line breaks, which are kept exactly as written. Every CSV file
/// the project writes quotes its fields with <see cref="Field"/> and every one it reads goes through
/// <see cref="Records(TextReader, string)"/>, so whatever is written reads back the same.
/// </summary>
public static class Csv
{
    /// <summary>The field as written: quoted, its quotes doubled, when it holds a comma, a quote or a line break.</summary>
    public static string Field(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : $"\"{value.Replace("\"", "\"\"")}\"";

    /// <summary>The records of a UTF-8 file (a byte-order mark is skipped); the file opens when enumeration starts.</summary>
    /// <inheritdoc cref="Records(TextReader, string)" path="/exception"/>
    public static IEnumerable<CsvRecord> Records(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        foreach (var record in Records(reader, path)) yield return record;
    }

    /// <summary>
    /// Reads records until the end. A line of nothing but white space is no record (a file may end with blank lines);
    /// a quote inside an unquoted field is kept as a character.
    /// </summary>
    /// <param name="source">Names the text in messages, e.g. its path.</param>
    /// <exception cref="InvalidDataException">A quoted field is not closed, or text follows its closing quote; the message names the line.</exception>
    public static IEnumerable<CsvRecord> Records(TextReader reader, string source)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1, start = 1;
        bool quoted = false, closed = false, anyQuoted = false;
        while (true)
        {
            int c = reader.Read();
            if (quoted)
            {
                if (c < 0) throw new InvalidDataException($"{source} line {start}: a quoted field is not closed");
                if (c == '"' && reader.Peek() == '"') field.Append((char)reader.Read());
                else if (c == '"') (quoted, closed) = (false, true);
                else
                {
                    if (c == '\n') line++;
                    field.Append((char)c);
                }
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
                closed = false;
            }
            else if (c is < 0 or '\n' or '\r')
            {
                if (c == '\r' && reader.Peek() == '\n') reader.Read();
                fields.Add(field.ToString());
                if (anyQuoted || fields.Count > 1 || !string.IsNullOrWhiteSpace(fields[0]))
                    yield return new CsvRecord(start, [.. fields]);
                if (c < 0) yield break;
                fields.Clear();
                field.Clear();
                (closed, anyQuoted) = (false, false);
                start = ++line;
            }
            else if (closed)
                throw new InvalidDataException($"{source} line {line}: text after the closing quote of a field (a quote inside a quoted field is written twice)");
            else if (c == '"' && field.Length == 0) (quoted, anyQuoted) = (true, true);
            else field.Append((char)c);
        }
    }
}
