using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaePipeline.Inference.Components;

/// <summary>
/// The values of one pass-through column for every row of a batch. A batched cursor reads its input a batch ahead of
/// what it serves, so the columns it passes through unchanged must be kept per row until their row is served.
/// </summary>
internal abstract class ColumnCache
{
    /// <summary>Reads the input row's value into slot <paramref name="slot"/>.</summary>
    public abstract void Stage(int slot);

    /// <summary>A getter that serves the slot <paramref name="slot"/> returns at each call.</summary>
    public abstract Delegate Getter(Func<int> slot);

    /// <summary>A cache for <paramref name="column"/> of <paramref name="row"/>, whatever the column's type.</summary>
    public static ColumnCache For(DataViewRow row, DataViewSchema.Column column, int capacity)
    {
        var type = column.Type.RawType;
        var cache = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(VBuffer<>)
            ? typeof(VectorCache<>).MakeGenericType(type.GetGenericArguments())
            : typeof(ValueCache<>).MakeGenericType(type);
        return (ColumnCache)Activator.CreateInstance(cache, row, column, capacity)!;
    }

    /// <summary>Scalars, text and objects: the value itself is kept.</summary>
    private sealed class ValueCache<T>(DataViewRow row, DataViewSchema.Column column, int capacity) : ColumnCache
    {
        private readonly ValueGetter<T> _source = row.GetGetter<T>(column);
        private readonly T[] _values = new T[capacity];

        public override void Stage(int slot) => _source(ref _values[slot]);

        public override Delegate Getter(Func<int> slot) => (ValueGetter<T>)((ref T value) => value = _values[slot()]);
    }

    /// <summary>
    /// Vectors: each slot owns its buffers (a getter may reuse the buffers it is given), and a served vector is a copy,
    /// so that restaging the slot for the next batch cannot change what a consumer already holds.
    /// </summary>
    private sealed class VectorCache<T>(DataViewRow row, DataViewSchema.Column column, int capacity) : ColumnCache
    {
        private readonly ValueGetter<VBuffer<T>> _source = row.GetGetter<VBuffer<T>>(column);
        private readonly VBuffer<T>[] _values = new VBuffer<T>[capacity];

        public override void Stage(int slot) => _source(ref _values[slot]);

        public override Delegate Getter(Func<int> slot) =>
            (ValueGetter<VBuffer<T>>)((ref VBuffer<T> value) => _values[slot()].CopyTo(ref value));
    }
}
