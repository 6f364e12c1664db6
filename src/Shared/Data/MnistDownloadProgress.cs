namespace VaePipeline.Data;

/// <summary>
/// How far the download of one file has got. Reported at the start of each attempt (0 bytes) and after every chunk;
/// when a mirror fails and the next one is tried, the count starts again at 0.
/// </summary>
/// <param name="FileName">The file being downloaded, e.g. "train-images-idx3-ubyte.gz".</param>
/// <param name="BytesReceived">Bytes received so far from the current mirror.</param>
/// <param name="TotalBytes">The size the mirror announced, or null when it did not.</param>
public readonly record struct MnistDownloadProgress(string FileName, long BytesReceived, long? TotalBytes);
