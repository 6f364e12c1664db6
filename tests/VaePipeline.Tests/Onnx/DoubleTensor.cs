namespace VaePipeline.Tests.Onnx;

/// <summary>A tensor as <see cref="OnnxInterpreter"/> holds it: a shape and row-major values in double precision (booleans as 0 and 1).</summary>
public sealed record DoubleTensor(long[] Shape, double[] Values)
{
    public static DoubleTensor Matrix(int rows, ReadOnlySpan<float> values)
    {
        var doubles = new double[values.Length];
        for (int i = 0; i < values.Length; i++) doubles[i] = values[i];
        return new DoubleTensor([rows, values.Length / rows], doubles);
    }

    public int Rank => Shape.Length;

    /// <summary>The product of dimensions from <paramref name="from"/> up to (not including) <paramref name="to"/>.</summary>
    public long Size(int from = 0, int? to = null)
    {
        long size = 1;
        for (int i = from; i < (to ?? Rank); i++) size *= Shape[i];
        return size;
    }
}
