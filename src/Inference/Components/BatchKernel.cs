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

    /// <param name="outputWidths">The floats per row of each output column.</param>
    protected BatchKernel(IReadOnlyList<int> outputWidths, int capacity)
    {
        _widths = [.. outputWidths];
        _outputs = [.. _widths.Select(w => new float[checked(w * capacity)])];
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

    /// <summary>Releases what a kernel holds beyond managed memory (image decoders); most hold nothing.</summary>
    public virtual void Dispose()
    {
    }

    /// <summary>Every output's first <paramref name="rows"/> rows, for <see cref="Run"/> to fill.</summary>
    protected Memory<float>[] Outputs(int rows)
    {
        var outputs = new Memory<float>[_outputs.Length];
        for (int i = 0; i < outputs.Length; i++) outputs[i] = _outputs[i].AsMemory(0, rows * _widths[i]);
        return outputs;
    }
}
