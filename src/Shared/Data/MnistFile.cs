namespace VaePipeline.Data;

/// <summary>
/// One of the four MNIST files: its canonical name without ".gz", and the SHA-256 of its decompressed content.
/// The decompressed content is what gets verified because mirrors serve differently compressed copies of the
/// same bytes (see shared/data/mnist/README.md).
/// </summary>
public sealed record MnistFile(string Name, string Sha256)
{
    /// <summary>The name under which mirrors serve the file and the download cache keeps it.</summary>
    public string GzName => Name + ".gz";

    /// <summary>The file's path in <paramref name="directory"/>, decompressed or as .gz, or null when neither is there.</summary>
    public string? FindIn(string directory)
    {
        // The decompressed file wins when both are there: same content, and it reads faster.
        string decompressed = Path.Combine(directory, Name);
        string compressed = Path.Combine(directory, GzName);
        return File.Exists(decompressed) ? decompressed : File.Exists(compressed) ? compressed : null;
    }
}
