using VaePipeline.Data;

namespace VaePipeline.Tests.Training;

/// <summary>The real MNIST splits from ../shared, loaded once for all tests.</summary>
public static class Mnist
{
    private static readonly Lazy<(MnistSplit Train, MnistSplit Test)> Splits =
        new(() => (MnistFiles.LoadTrain(SharedData.MnistDir), MnistFiles.LoadTest(SharedData.MnistDir)));

    public static MnistSplit Train => Splits.Value.Train;
    public static MnistSplit Test => Splits.Value.Test;
}
