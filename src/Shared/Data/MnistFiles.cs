namespace VaePipeline.Data;

/// <summary>The four files of the MNIST database and loading the train and test splits from a folder that holds them.</summary>
public static class MnistFiles
{
    public static readonly MnistFile TrainImages =
        new("train-images-idx3-ubyte", "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db");

    public static readonly MnistFile TrainLabels =
        new("train-labels-idx1-ubyte", "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5");

    public static readonly MnistFile TestImages =
        new("t10k-images-idx3-ubyte", "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7");

    public static readonly MnistFile TestLabels =
        new("t10k-labels-idx1-ubyte", "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2");

    public static readonly IReadOnlyList<MnistFile> All = [TrainImages, TrainLabels, TestImages, TestLabels];

    /// <summary>The files of <see cref="All"/> that are in <paramref name="directory"/> neither decompressed nor as .gz.</summary>
    public static IReadOnlyList<MnistFile> MissingFrom(string directory) =>
        All.Where(file => file.FindIn(directory) is null).ToList();

    /// <exception cref="MnistDataException">A file is missing or malformed.</exception>
    public static MnistSplit LoadTrain(string directory) => Load(directory, TrainImages, TrainLabels);

    /// <exception cref="MnistDataException">A file is missing or malformed.</exception>
    public static MnistSplit LoadTest(string directory) => Load(directory, TestImages, TestLabels);

    private static MnistSplit Load(string directory, MnistFile images, MnistFile labels) =>
        MnistSplit.Load(PathOf(directory, images), PathOf(directory, labels));

    private static string PathOf(string directory, MnistFile file) =>
        file.FindIn(directory)
        ?? throw new MnistDataException($"{directory}: holds neither {file.GzName} nor {file.Name}");
}
