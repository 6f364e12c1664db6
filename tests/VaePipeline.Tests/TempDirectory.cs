namespace VaePipeline.Tests;

/// <summary>A fresh directory per test, removed afterwards, so tests can inspect exactly what was left behind.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("vaepipeline-test-").FullName;
    }

    public string Path { get; }

    public string File(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Names of every entry in the directory, hidden temp files included.</summary>
    public string[] EntryNames() =>
        Directory.GetFileSystemEntries(Path).Select(System.IO.Path.GetFileName).OfType<string>().Order().ToArray();

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
