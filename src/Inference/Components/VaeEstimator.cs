using Microsoft.ML;
using Microsoft.ML.Data;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Components;

/// <summary>
/// What the VAE estimators share (ML.NET's estimator role): configuration only. <see cref="Fit"/> opens the model,
/// checks it against the contract and the input's schema, and returns the transformer; nothing is learned.
/// </summary>
public abstract class VaeEstimator<TTransformer> : IEstimator<TTransformer> where TTransformer : VaeTransformer
{
    private protected VaeEstimator(string modelFile, string inputColumn, IReadOnlyList<string> outputColumns, InferenceOptions? inference, int batchSize)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelFile);
        ArgumentException.ThrowIfNullOrEmpty(inputColumn);
        foreach (string output in outputColumns) ArgumentException.ThrowIfNullOrEmpty(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        // A cursor stages the next batch's rows between runs, on a core ONNX Runtime's spinning threads would hold.
        (ModelFile, InputColumn, OutputColumns, BatchSize) = (modelFile, inputColumn, outputColumns, batchSize);
        Inference = (inference ?? new InferenceOptions()) with { Spin = false };
    }

    private protected string ModelFile { get; }

    private protected string InputColumn { get; }

    private protected IReadOnlyList<string> OutputColumns { get; }

    private protected InferenceOptions Inference { get; }

    private protected int BatchSize { get; }

    /// <exception cref="FileNotFoundException">The model file does not exist.</exception>
    /// <exception cref="InvalidDataException">It is not ONNX, or not this kind of VAE model (the message says what it lacks).</exception>
    /// <exception cref="ArgumentOutOfRangeException">The input column is missing or not what the model reads.</exception>
    /// <exception cref="InferenceDeviceException">The device asked for cannot start.</exception>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var transformer = Open(input.Schema);
        try
        {
            transformer.GetOutputSchema(input.Schema); // refuses a schema that does not fit, before the transformer is handed out
            return transformer;
        }
        catch
        {
            transformer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The schema shape after the transform. A shape does not carry vector sizes, so this checks the column's presence
    /// and kind; <see cref="Fit"/> checks its size against the model.
    /// </summary>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = inputSchema.FirstOrDefault(c => c.Name == InputColumn);
        if (column.Name is null)
            throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"the input has no column '{InputColumn}' (its columns: {string.Join(", ", inputSchema.Select(c => c.Name))})");
        CheckInputShape(column);

        // SchemaShape.Column has no public constructor. The outputs are known-size Single vectors, as the checked input
        // column is, so ML.NET's own CopyColumns makes their shapes from it.
        var ml = new MLContext();
        foreach (string name in OutputColumns) inputSchema = ml.Transforms.CopyColumns(name, InputColumn).GetOutputSchema(inputSchema);
        return inputSchema;
    }

    /// <summary>Opens the model and makes the transformer for inputs of <paramref name="schema"/>.</summary>
    private protected abstract TTransformer Open(DataViewSchema schema);

    /// <exception cref="ArgumentOutOfRangeException">The input column's kind or item type is not what the model reads.</exception>
    private protected abstract void CheckInputShape(SchemaShape.Column column);

    /// <summary>The shape check of a float-vector input column.</summary>
    private protected static void CheckVectorShape(SchemaShape.Column column)
    {
        if (column.Kind != SchemaShape.Column.VectorKind.Vector || column.ItemType != NumberDataViewType.Single)
            throw new ArgumentOutOfRangeException(nameof(column),
                $"column '{column.Name}' holds {column.Kind} of {column.ItemType}, but the model reads a known-size vector of Single");
    }
}
