namespace VaePipeline.IO;

/// <summary>A path that names a FIFO, socket or device where a file's contents were to be read.</summary>
/// <param name="kind">What it is instead: "a FIFO (named pipe)", "a socket", "a character device", …</param>
public sealed class NotARegularFileException(string kind)
    : IOException($"{kind}, not a regular file; only regular files are read");
