namespace VaePipeline.Training.Checkpoints;

/// <summary>
/// Keeps a run folder to one training process: an exclusive lock on its <c>.lock</c> file (flock(2) on Unix, which
/// .NET takes for <see cref="FileShare.None"/>), held until disposed and released by the OS when the process dies,
/// so a crash never leaves the folder locked. The file itself stays; only the lock on it counts.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = ".lock";
    private readonly FileStream _file;

    private RunFolderLock(FileStream file) => _file = file;

    /// <summary>Creates the folder if needed and locks it.</summary>
    /// <exception cref="IOException">Another process holds the lock; the message says so.</exception>
    public static RunFolderLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        try
        {
            return new RunFolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException e) when (e is not FileNotFoundException and not DirectoryNotFoundException)
        {
            throw new IOException($"{directory} is in use by another training process (it holds {path}); " +
                                  "wait for it to finish, or choose another --out", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
