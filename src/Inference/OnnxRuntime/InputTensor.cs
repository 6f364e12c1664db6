namespace VaePipeline.Inference.OnnxRuntime;

/// <summary>
/// A float32 tensor handed to <see cref="OrtSession.Run"/>: row-major values and their shape. ORT reads the values
/// where they are (they stay pinned for the run and are never copied), so a slice of a larger buffer costs nothing.
/// </summary>
public sealed class InputTensor
{
    private readonly long[] _shape;

    /// <exception cref="ArgumentException">A dimension is negative, or the shape does not hold exactly <paramref name="data"/>'s length.</exception>
    public InputTensor(ReadOnlyMemory<float> data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        long count = 1;
        foreach (long dimension in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(dimension, nameof(shape));
            count = checked(count * dimension);
        }
        if (count != data.Length)
            throw new ArgumentException(
                $"Shape [{string.Join(", ", shape)}] holds {count} values but the data has {data.Length}.", nameof(data));
        Data = data;
        _shape = (long[])shape.Clone();
    }

    public ReadOnlyMemory<float> Data { get; }

    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The shape as an array that <see cref="OrtSession"/> can pin; never handed out.</summary>
    internal long[] ShapeArray => _shape;
}
