using System.Text;

namespace VaePipeline.IO;

/// <summary>
/// Replaces a file's content all at once: readers (and a restarted process after a crash) see either
/// the previous version or the complete new one, never a partially written file.
/// </summary>
public static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="path"/> through <paramref name="write"/>. The content goes to a temporary
    /// file in the same directory, is flushed to disk, and is then renamed over <paramref name="path"/>.
    /// If <paramref name="write"/> (or the flush or rename) throws, the temporary file is removed, the
    /// exception propagates, and any previous file at <paramref name="path"/> is left untouched.
    /// </summary>
    /// <param name="write">Writes the content. It must not dispose the stream; the flush to disk follows it.</param>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);

        string fullPath = Path.GetFullPath(path);
        // Same directory as the target: a rename is only atomic within one file system.
        // The leading dot keeps the leftover of a killed process out of ordinary listings.
        string tempPath = Path.Combine(
            Path.GetDirectoryName(fullPath)!,
            $".{Path.GetFileName(fullPath)}.tmp-{Guid.NewGuid():N}");

        // CreateNew: never adopt or truncate a file someone else created under that name.
        var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        try
        {
            using (stream)
            {
                write(stream);
                // Without this the rename can reach the disk before the data does, and a power loss
                // would leave an empty or partial file under the final name.
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            DeleteQuietly(tempPath);
            throw;
        }
    }

    /// <summary>Atomically writes <paramref name="text"/> as UTF-8 without a byte order mark.</summary>
    public static void WriteAllText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        Write(path, stream => stream.Write(bytes));
    }

    private static void DeleteQuietly(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The caller needs the original failure, not this one; a stray hidden temp file is harmless.
        }
    }
}
