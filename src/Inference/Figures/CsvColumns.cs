using System.Globalization;
using VaePipeline.IO;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// The numeric columns of a CSV file with a header row — a trainer's metrics.csv (step,epoch,train_loss,…) or a
/// sweep's sweep.csv — read by header name, so the figures do not depend on the column order.
/// </summary>
public sealed class CsvColumns
{
    private readonly string _path;
    private readonly Dictionary<string, double[]> _columns;

    private CsvColumns(string path, Dictionary<string, double[]> columns) => (_path, _columns) = (path, columns);

    public int Rows => _columns.Values.First().Length;

    /// <exception cref="InvalidDataException">A row has the wrong number of fields or a field is not a number; the message names the line.</exception>
    public static CsvColumns Read(string path)
    {
        var records = Csv.Records(path).ToArray();
        if (records.Length < 2) throw new InvalidDataException($"{path}: no rows under a header");
        string[] header = records[0].Fields;
        var values = header.Select(_ => new double[records.Length - 1]).ToArray();
        for (int row = 1; row < records.Length; row++)
        {
            var (line, fields) = records[row];
            if (fields.Length != header.Length) throw new InvalidDataException($"{path} line {line}: {fields.Length} fields, the header has {header.Length}");
            for (int c = 0; c < fields.Length; c++)
                values[c][row - 1] = double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                    ? v : throw new InvalidDataException($"{path} line {line}: {header[c]} '{fields[c]}' is not a number");
        }
        return new(path, header.Zip(values).ToDictionary(p => p.First, p => p.Second));
    }

    /// <exception cref="InvalidDataException">The log has no such column.</exception>
    public double[] this[string column] =>
        _columns.TryGetValue(column, out var values) ? values : throw new InvalidDataException($"{_path} has no column {column}");
}
