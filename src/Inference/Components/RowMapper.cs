using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaePipeline.Inference.Components;

/// <summary>
/// The single-row form of a <see cref="VaeTransformer"/>, which ML.NET's PredictionEngine uses: each row runs the model
/// on a batch of one, once per input position, however many output columns are read.
/// </summary>
internal sealed class RowMapper(VaeTransformer transformer, DataViewSchema inputSchema, DataViewSchema outputSchema) : IRowToRowMapper
{
    public DataViewSchema InputSchema => inputSchema;

    public DataViewSchema OutputSchema => outputSchema;

    public IEnumerable<DataViewSchema.Column> GetDependencies(IEnumerable<DataViewSchema.Column> dependingColumns) =>
        transformer.Dependencies(inputSchema, dependingColumns.Select(c => c.Index).ToHashSet());

    public DataViewRow GetRow(DataViewRow input, IEnumerable<DataViewSchema.Column> activeColumns)
    {
        var active = activeColumns.Select(c => c.Index).ToHashSet();
        return new Row(transformer, input, outputSchema, transformer.ActiveOutputs(inputSchema.Count, active));
    }

    private sealed class Row : DataViewRow
    {
        private readonly DataViewRow _input;
        private readonly DataViewSchema _schema;
        private readonly int[] _activeOutputs;
        private readonly BatchKernel? _kernel;
        private long _computed = -1;

        public Row(VaeTransformer transformer, DataViewRow input, DataViewSchema schema, int[] activeOutputs)
        {
            _input = input;
            _schema = schema;
            _activeOutputs = activeOutputs;
            if (activeOutputs.Length > 0)
                _kernel = transformer.CreateKernel(input, input.Schema[transformer.InputColumnName], capacity: 1);
        }

        public override DataViewSchema Schema => _schema;

        public override long Position => _input.Position;

        public override long Batch => _input.Batch;

        public override bool IsColumnActive(DataViewSchema.Column column) => column.Index < _input.Schema.Count
            ? _input.IsColumnActive(_input.Schema[column.Index])
            : _activeOutputs.Contains(column.Index - _input.Schema.Count);

        public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
        {
            if (column.Index < _input.Schema.Count) return _input.GetGetter<TValue>(_input.Schema[column.Index]);
            if (!IsColumnActive(column)) throw new InvalidOperationException($"column '{column.Name}' is not active in this row");
            int output = column.Index - _input.Schema.Count;
            return (ValueGetter<TValue>)(Delegate)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) =>
            {
                if (_computed != _input.Position)
                {
                    _kernel!.Stage(0);
                    _kernel.Run(1);
                    _computed = _input.Position;
                }
                _kernel!.CopyOutput(output, 0, ref value);
            });
        }

        public override ValueGetter<DataViewRowId> GetIdGetter() => _input.GetIdGetter();

        protected override void Dispose(bool disposing)
        {
            if (disposing) _kernel?.Dispose();
            base.Dispose(disposing);
        }
    }
}
