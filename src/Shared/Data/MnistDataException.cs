namespace VaePipeline.Data;

/// <summary>
/// A problem with the MNIST files: missing, unreadable, malformed, or impossible to download.
/// The message is written for the person at the terminal and names the file and the problem,
/// so the CLI prints it as it is and exits non-zero.
/// </summary>
public sealed class MnistDataException(string message, Exception? innerException = null)
    : Exception(message, innerException);
