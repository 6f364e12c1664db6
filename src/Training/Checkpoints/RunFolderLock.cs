namespace VaePipeline.Training.Checkpoints;

/// <summary>
/// Keeps a run folder to one training process: an exclusive lock on its <c>.lock</c> file, held until disposed and
/// released by the OS when the process dies, so a crash never leaves the folder locked. On Unix .NET takes it as
/// flock(LOCK_EX | LOCK_NB) for <see cref="FileShare.None"/>. The file itself stays: removing it would let a process
/// that opened it just before lock a file nobody else sees.
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = ".lock";
    private readonly FileStream _file;

    private RunFolderLock(FileStream file) => _file = file;

    /// <summary>Creates the folder if needed and locks it.</summary>
    /// <exception cref="IOException">Another process holds the lock (the message says so), or the file cannot be made.</exception>
    public static RunFolderLock Acquire(string directory)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        try
        {
            return new RunFolderLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        // .NET reports a lock held elsewhere with flock's errno, EWOULDBLOCK, as the HResult.
        catch (IOException e) when (e.HResult == (OperatingSystem.IsMacOS() ? 35 : 11))
        {
            throw new IOException($"{directory} is in use by another training process (it holds the lock on {path}); " +
                                  "wait for it to finish, or choose another --out", e);
        }
    }

    public void Dispose() => _file.Dispose();
}
