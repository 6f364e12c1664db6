using System.Buffers;
using Microsoft.ML.Data;

namespace VaePipeline.Inference.Components;

/// <summary>
/// The buffers of one cursor (or one prediction row) of a <see cref="VaeTransformer"/>: input rows are staged into slots
/// 0 … capacity − 1, the model runs once over the staged rows, and each output row is then served from its slot. Every
/// cursor has its own kernel, so many threads can read one transformer at once; only the ONNX Runtime session is shared.
/// </summary>
internal abstract class BatchKernel : IDisposable
{
    private readonly int[] _widths;
    private readonly float[][] _outputs;
    private readonly List<float[]> _rented = [];

    /// <param name="outputWidths">The floats per row of each output column.</param>
    protected BatchKernel(IReadOnlyList<int> outputWidths, int capacity)
    {
        _widths = [.. outputWidths];
        _outputs = [.. _widths.Select(w => Rent(checked(w * capacity)))];
        Capacity = capacity;
    }

    public int Capacity { get; }

    /// <summary>Reads the current input row into slot <paramref name="slot"/>.</summary>
    public abstract void Stage(int slot);

    /// <summary>Computes the outputs of slots 0 … rows − 1.</summary>
    public abstract void Run(int rows);

    /// <summary>Copies output <paramref name="output"/> of slot <paramref name="slot"/> into a vector the caller owns.</summary>
    public void CopyOutput(int output, int slot, ref VBuffer<float> value)
    {
        int width = _widths[output];
        var editor = VBufferEditor.Create(ref value, width);
        _outputs[output].AsSpan(slot * width, width).CopyTo(editor.Values);
        value = editor.Commit();
    }

    /// <summary>Gives the batch buffers back to the pool; subclasses also release what they hold beyond them.</summary>
    public virtual void Dispose()
    {
        foreach (var buffer in _rented) ArrayPool<float>.Shared.Return(buffer);
        _rented.Clear();
    }

    /// <summary>
    /// A buffer of at least <paramref name="length"/> floats, given back on <see cref="Dispose"/>. Pooled because every
    /// cursor needs about a megabyte of them, and ML.NET opens a cursor per pass (each GetColumn, each epoch of a
    /// trainer): fresh ones would each be a large-object allocation.
    /// </summary>
    protected float[] Rent(int length)
    {
        var buffer = ArrayPool<float>.Shared.Rent(length);
        _rented.Add(buffer);
        return buffer;
    }

    /// <summary>Every output's first <paramref name="rows"/> rows, for <see cref="Run"/> to fill.</summary>
    protected Memory<float>[] Outputs(int rows)
    {
        var outputs = new Memory<float>[_outputs.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = _outputs[i].AsMemory(0, rows * _widths[i]);
        return outputs;
    }
}
