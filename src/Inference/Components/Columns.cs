namespace VaePipeline.Inference.Components;

/// <summary>One named column of a <see cref="Columns"/> batch: <see cref="Width"/> floats per row, rows back to back.</summary>
public sealed record Column(string Name, int Width, float[] Values)
{
    public ReadOnlySpan<float> Row(int row) => Values.AsSpan(row * Width, Width);
}

/// <summary>
/// A batch of rows held column by column, the small stand-in this project uses for ML.NET's IDataView: every column
/// is a known-size float vector (as ApplyOnnxModel requires), and a transformer reads columns by name and adds its own.
/// </summary>
public sealed class Columns
{
    private readonly Dictionary<string, Column> _columns = new(StringComparer.Ordinal);

    public Columns(int rows)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        Rows = rows;
    }

    public int Rows { get; }

    public IEnumerable<Column> All => _columns.Values;

    /// <summary>Adds (or replaces) a column of <paramref name="width"/> floats per row.</summary>
    public Columns Add(string name, int width, float[] values)
    {
        if (width <= 0) throw new ArgumentException($"column {name}: width must be positive (got {width})");
        if (values.Length != (long)Rows * width)
            throw new ArgumentException($"column {name}: {values.Length} values are not {Rows} rows of {width}");
        _columns[name] = new Column(name, width, values);
        return this;
    }

    /// <exception cref="ArgumentException">No column has that name; the message lists the ones there are.</exception>
    public Column this[string name] => _columns.TryGetValue(name, out var column)
        ? column
        : throw new ArgumentException($"no column '{name}' (columns: {string.Join(", ", _columns.Keys)})");
}
