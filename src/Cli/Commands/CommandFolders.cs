namespace VaePipeline.Cli.Commands;

/// <summary>
/// The folders the figure and sweep commands read and write: a model folder written by 'vae export', and an output
/// folder that never gets new files mixed into old ones unasked.
/// </summary>
internal static class CommandFolders
{
    /// <returns>The path of <paramref name="file"/> inside <paramref name="modelDirectory"/>.</returns>
    /// <exception cref="FileNotFoundException">It is not there.</exception>
    public static string ExportedModel(string modelDirectory, string file)
    {
        string path = Path.Combine(modelDirectory, file);
        return File.Exists(path) ? path : throw new FileNotFoundException($"there is no model {path} (--model-dir names the folder 'vae export' wrote)");
    }

    /// <exception cref="ArgumentException">The folder already holds files and <paramref name="force"/> is off.</exception>
    public static void RequireEmptyUnlessForced(string folder, bool force)
    {
        if (!force && Directory.Exists(folder) && Directory.EnumerateFileSystemEntries(folder).Any())
            throw new ArgumentException($"{folder} already holds files; pass --force to replace them, or choose another --out");
    }
}
