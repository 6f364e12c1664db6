namespace VaePipeline.IO;

/// <summary>A file is not a safetensors file that this project can load.</summary>
public sealed class SafeTensorsException : Exception
{
    public SafeTensorsException(string path, string problem, Exception? innerException = null)
        : base($"Invalid safetensors file '{path}': {problem}", innerException)
    {
        Path = path;
        Problem = problem;
    }

    /// <summary>The file that failed to load.</summary>
    public string Path { get; }

    /// <summary>What is wrong with it, without the file name.</summary>
    public string Problem { get; }
}
