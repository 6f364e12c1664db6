using Microsoft.ML.Data;
using VaePipeline.Data;
using VaePipeline.Tests.Onnx;

namespace VaePipeline.Tests.Components;

/// <summary>One MNIST test digit as an ML.NET row: its pixels/255, its label and index (pass-through columns).</summary>
public sealed class DigitRow
{
    [VectorType(MnistSplit.PixelsPerImage)]
    public float[] Pixels { get; set; } = [];

    public int Label { get; set; }

    public int Index { get; set; }

    public static DigitRow[] Of(MnistSplit split, IEnumerable<int> indices) =>
        [.. indices.Select(i => new DigitRow { Pixels = TrainerReference.Pixels(split, [i]), Label = split.Labels[i], Index = i })];
}

/// <summary>A digit's row after the encoder: the columns it added and the ones it passed through.</summary>
public sealed class LatentRow
{
    [VectorType(2)]
    public float[] Mean { get; set; } = [];

    [VectorType(2)]
    public float[] LogSigma { get; set; } = [];

    public int Label { get; set; }

    public int Index { get; set; }
}
