using Microsoft.ML;

namespace VaePipeline.Inference.Components;

/// <summary>
/// What <see cref="VaeTransformer.Transform"/> returns: the input view with the transformer's columns added, computed
/// lazily by <see cref="BatchedCursor"/>s that run the model once per batch of rows.
/// </summary>
internal sealed class BatchedDataView(VaeTransformer transformer, IDataView input, DataViewSchema schema) : IDataView
{
    public DataViewSchema Schema => schema;

    public bool CanShuffle => input.CanShuffle;

    public long? GetRowCount() => input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        var needed = columnsNeeded.Select(c => c.Index).ToHashSet();
        var outputs = transformer.ActiveOutputs(input.Schema.Count, needed);
        var served = input.Schema.Select(c => needed.Contains(c.Index)).ToArray();
        return new BatchedCursor(transformer, input.GetRowCursor(transformer.Dependencies(input.Schema, needed), rand), schema, served, outputs);
    }

    /// <summary>One cursor: the batching already keeps every core busy inside ONNX Runtime.</summary>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
