using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaePipeline.Inference.Components;

/// <summary>
/// What the VAE transformers share (ML.NET's transformer role): the input view with one or two float-vector columns
/// added, computed by ONNX Runtime a batch of rows at a time (ML.NET's own ApplyOnnxModel runs it once per row). A fitted
/// transformer may serve many threads at once: each cursor has its own buffers, only the session is shared.
/// </summary>
/// <remarks>
/// Saving: ML.NET lets only its own assemblies write custom model state, so a VAE transformer saves as the built-in
/// transforms that compute the same columns (ApplyOnnxModel with the model's bytes inside the zip, and column copies
/// for the names). A saved pipeline therefore loads, and runs, in a process that references only Microsoft.ML and
/// ONNX Runtime; it runs there at ApplyOnnxModel's per-row speed.
/// </remarks>
public abstract class VaeTransformer : ITransformer, IDisposable
{
    private readonly DataViewSchema _fittedSchema;
    private readonly Lazy<ITransformer> _builtIn;

    private protected VaeTransformer(DataViewSchema fittedSchema, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        _fittedSchema = fittedSchema;
        BatchSize = batchSize;
        _builtIn = new Lazy<ITransformer>(() => CreateBuiltIn(new MLContext(), new EmptyDataView(_fittedSchema)));
    }

    /// <summary>Rows per ONNX Runtime run.</summary>
    public int BatchSize { get; }

    /// <summary>The column the model reads.</summary>
    public abstract string InputColumnName { get; }

    /// <summary>The columns added, in order, with their widths.</summary>
    public abstract IReadOnlyList<(string Name, int Width)> OutputColumns { get; }

    public bool IsRowToRowMapper => true;

    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        var builder = new DataViewSchema.Builder();
        builder.AddColumns(inputSchema);
        foreach (var (name, width) in OutputColumns)
            builder.AddColumn(name, new VectorDataViewType(NumberDataViewType.Single, width));
        return builder.ToSchema();
    }

    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return new BatchedDataView(this, input, GetOutputSchema(input.Schema));
    }

    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema) =>
        new RowMapper(this, inputSchema, GetOutputSchema(inputSchema));

    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_builtIn.Value).Save(ctx);

    public abstract void Dispose();

    /// <summary>Refuses an input schema whose column is missing or of the wrong type, naming both.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The schema does not fit (ML.NET's exception for a schema mismatch).</exception>
    private protected abstract void CheckInput(DataViewSchema inputSchema);

    /// <summary>A new kernel reading <paramref name="input"/> of <paramref name="row"/>.</summary>
    internal abstract BatchKernel CreateKernel(DataViewRow row, DataViewSchema.Column input, int capacity);

    /// <summary>The built-in ML.NET transforms that compute the same columns, fitted on <paramref name="schemaOnly"/>.</summary>
    private protected abstract ITransformer CreateBuiltIn(MLContext ml, IDataView schemaOnly);

    /// <summary>
    /// Which of <see cref="OutputColumns"/> are among <paramref name="needed"/>, column indices of the output schema,
    /// where output k follows the <paramref name="inputCount"/> input columns.
    /// </summary>
    internal int[] ActiveOutputs(int inputCount, IReadOnlySet<int> needed) =>
        [.. Enumerable.Range(0, OutputColumns.Count).Where(k => needed.Contains(inputCount + k))];

    /// <summary>
    /// The input columns that the output columns <paramref name="needed"/> depend on: the input columns among them,
    /// and the model's input column when one of the added columns is needed.
    /// </summary>
    internal IEnumerable<DataViewSchema.Column> Dependencies(DataViewSchema inputSchema, IReadOnlySet<int> needed)
    {
        var columns = inputSchema.Where(c => needed.Contains(c.Index)).ToList();
        if (ActiveOutputs(inputSchema.Count, needed).Length > 0) columns.Add(inputSchema[InputColumnName]);
        return columns.Distinct();
    }

    /// <summary>The check every VAE transformer makes of a float-vector input column of a fixed width.</summary>
    private protected static void CheckVector(DataViewSchema schema, string column, int width, string reads)
    {
        var found = schema.GetColumnOrNull(column)
            ?? throw new ArgumentOutOfRangeException(nameof(schema),
                $"the input has no column '{column}' (its columns: {string.Join(", ", schema.Select(c => c.Name))}); the model reads {reads} from it");
        if (found.Type is not VectorDataViewType { ItemType: NumberDataViewType n, Size: var size } || n != NumberDataViewType.Single || size != width)
            throw new ArgumentOutOfRangeException(nameof(schema),
                $"column '{column}' holds {found.Type}, but the model reads {reads}: a vector of {width} Single values");
    }
}
