using VaePipeline.Inference.Images;

namespace VaePipeline.Tests.Images;

public sealed class GrayLevelsTests
{
    [Fact]
    public void IntensitiesRoundToTheNearestLevelWithHalvesUp()
    {
        float[] intensities = [0f, 1f, 0.5f, 127.4999f / 255, 127.5f / 255, 1f / 255, 0.25f, 0.998f];

        Assert.Equal([0, 255, 128, 127, 128, 1, 64, 254], GrayLevels.FromIntensities(intensities));
    }

    [Fact]
    public void OutOfRangeIntensitiesClampToBlackAndWhite()
    {
        float[] intensities = [-0.3f, -0f, 1.0001f, 7f, float.NegativeInfinity, float.PositiveInfinity];

        Assert.Equal([0, 0, 255, 255, 0, 255], GrayLevels.FromIntensities(intensities));
    }

    [Fact]
    public void EveryLevelIsReachedFromItsOwnIntensity()
    {
        float[] intensities = Enumerable.Range(0, 256).Select(level => level / 255f).ToArray();

        Assert.Equal(Enumerable.Range(0, 256).Select(level => (byte)level), GrayLevels.FromIntensities(intensities));
    }

    [Fact]
    public void NaNIsRefusedWithItsIndex()
    {
        var error = Assert.Throws<ArgumentException>(() => GrayLevels.FromIntensities([0.1f, float.NaN]));

        Assert.Contains("intensity 1 is NaN", error.Message);
    }
}
