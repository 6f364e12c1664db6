using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaePipeline.Inference.Components;

/// <summary>Runs a model on [rows, width] inputs into its outputs, each [rows, its width].</summary>
internal delegate void BatchModel(ReadOnlyMemory<float> inputs, Memory<float>[] outputs);

/// <summary>A kernel whose input is a known-size float vector column (pixels for the encoder, latents for the decoder).</summary>
internal sealed class VectorKernel : BatchKernel
{
    private readonly ValueGetter<VBuffer<float>> _getter;
    private readonly float[] _inputs;
    private readonly int _width;
    private readonly BatchModel _model;
    private VBuffer<float> _row;

    public VectorKernel(DataViewRow row, DataViewSchema.Column input, int width, IReadOnlyList<int> outputWidths, int capacity, BatchModel model)
        : base(outputWidths, capacity)
    {
        _getter = row.GetGetter<VBuffer<float>>(input);
        _inputs = Rent(checked(width * capacity));
        _width = width;
        _model = model;
    }

    public override void Stage(int slot)
    {
        _getter(ref _row);
        _row.CopyTo(_inputs.AsSpan(slot * _width, _width)); // dense, whether the row is stored sparse or not
    }

    public override void Run(int rows) => _model(_inputs.AsMemory(0, rows * _width), Outputs(rows));
}
