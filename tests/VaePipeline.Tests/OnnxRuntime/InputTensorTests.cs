using VaePipeline.Inference.OnnxRuntime;

namespace VaePipeline.Tests.OnnxRuntime;

public sealed class InputTensorTests
{
    [Fact]
    public void Constructor_KeepsItsOwnCopyOfTheShape()
    {
        long[] shape = [2, 3];
        var tensor = new InputTensor(new float[6], shape);
        shape[0] = 99;

        Assert.Equal([2L, 3L], tensor.Shape);
    }

    [Fact]
    public void Constructor_RejectsAShapeThatDoesNotHoldTheData()
    {
        var e = Assert.Throws<ArgumentException>(() => new InputTensor(new float[5], 2, 3));

        Assert.Contains("[2, 3] holds 6 values but the data has 5", e.Message);
    }

    [Fact]
    public void Constructor_RejectsANegativeDimension()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new InputTensor(new float[0], -1, 0));
    }
}
