using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaePipeline.Inference.Components;

/// <summary>
/// A cursor over a <see cref="BatchedDataView"/>. When one of the transformer's columns is active it reads up to a
/// batch of input rows ahead, runs the model once on them, and then serves them one by one, with the active input
/// columns served from a per-row <see cref="ColumnCache"/>. When none is active it is a thin view of the input cursor
/// and the model never runs.
/// </summary>
/// <remarks>
/// Schema: the input's columns keep their indices; the transformer's output k is column input.Count + k.
/// </remarks>
internal sealed class BatchedCursor : DataViewRowCursor
{
    private readonly DataViewRowCursor _input;
    private readonly DataViewSchema _schema;
    private readonly int _inputCount;
    private readonly bool[] _served;
    private readonly int[] _activeOutputs;
    private readonly BatchKernel? _kernel;
    private readonly ColumnCache?[] _caches;
    private readonly ValueGetter<DataViewRowId>? _idSource;
    private readonly DataViewRowId[] _ids = [];
    private int _rows;
    private int _slot;
    private long _position = -1;

    /// <param name="served">Per input column, whether the consumer asked for it (the model's input may be active only for the model).</param>
    /// <param name="activeOutputs">The transformer's outputs the consumer asked for.</param>
    public BatchedCursor(VaeTransformer transformer, DataViewRowCursor input, DataViewSchema schema, bool[] served, int[] activeOutputs)
    {
        _input = input;
        _schema = schema;
        _inputCount = input.Schema.Count;
        _served = served;
        _activeOutputs = activeOutputs;
        _caches = new ColumnCache?[_inputCount];
        if (activeOutputs.Length == 0) return;

        int capacity = transformer.BatchSize;
        _kernel = transformer.CreateKernel(input, input.Schema[transformer.InputColumnName], capacity);
        foreach (var column in input.Schema)
            if (served[column.Index]) _caches[column.Index] = ColumnCache.For(input, column, capacity);
        _idSource = input.GetIdGetter();
        _ids = new DataViewRowId[capacity];
    }

    public override DataViewSchema Schema => _schema;

    public override long Position => _position;

    public override long Batch => _input.Batch;

    public override bool IsColumnActive(DataViewSchema.Column column) => column.Index < _inputCount
        ? _served[column.Index]
        : _activeOutputs.Contains(column.Index - _inputCount);

    public override bool MoveNext()
    {
        if (_kernel is null)
        {
            if (!_input.MoveNext()) return false;
        }
        else if (++_slot >= _rows && !ReadBatch())
        {
            return false;
        }
        _position++;
        return true;
    }

    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
            throw new InvalidOperationException($"column '{column.Name}' is not active in this cursor; ask for it when opening the cursor");
        if (column.Index >= _inputCount)
        {
            int output = column.Index - _inputCount;
            if (typeof(TValue) != typeof(VBuffer<float>))
                throw new InvalidOperationException($"column '{column.Name}' holds VBuffer<float>, not {typeof(TValue).Name}");
            return (ValueGetter<TValue>)(Delegate)(ValueGetter<VBuffer<float>>)((ref VBuffer<float> value) => _kernel!.CopyOutput(output, _slot, ref value));
        }
        return _kernel is null
            ? _input.GetGetter<TValue>(_input.Schema[column.Index])
            : (ValueGetter<TValue>)_caches[column.Index]!.Getter(() => _slot);
    }

    public override ValueGetter<DataViewRowId> GetIdGetter() => _kernel is null
        ? _input.GetIdGetter()
        : (ref DataViewRowId id) => id = _ids[_slot];

    /// <summary>Stages up to a batch of input rows and runs the model on them; false when the input is exhausted.</summary>
    private bool ReadBatch()
    {
        _rows = 0;
        _slot = 0;
        while (_rows < _kernel!.Capacity && _input.MoveNext())
        {
            _kernel.Stage(_rows);
            foreach (var cache in _caches) cache?.Stage(_rows);
            _idSource!(ref _ids[_rows]);
            _rows++;
        }
        if (_rows == 0) return false;
        _kernel.Run(_rows);
        return true;
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _kernel?.Dispose();
            _input.Dispose();
        }
        base.Dispose(disposing);
    }
}
