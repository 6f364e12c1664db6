using System.IO.Enumeration;

namespace VaePipeline.Inference.Latents;

/// <summary>One file to encode: <see cref="Source"/> opens it, <see cref="Name"/> is what the output calls it.</summary>
public sealed record ImageInput(string Source, string Name);

/// <summary>
/// Expands folders, files and list files into the files to encode, in the order a latents file lists them.
/// </summary>
public static class ImageInputs
{
    /// <summary>Walking a folder takes these (case-insensitive); each file's format is still told from its bytes.</summary>
    public static readonly string[] FolderExtensions = [".png", ".jpg", ".jpeg"];

    /// <summary>
    /// A folder contributes its image files at any depth, named relative to it with '/'; a file is named as given. A
    /// list file names one folder or file per line (blank lines skipped, relative paths from the current folder). The
    /// result is sorted by name (ordinal, then by source) and holds each file once, however often it was named.
    /// </summary>
    /// <exception cref="ArgumentException">A path or list does not exist, a folder holds no image files, or nothing was named.</exception>
    public static ImageInput[] Expand(IEnumerable<string> paths, IEnumerable<string> lists)
    {
        var found = new List<ImageInput>();
        foreach (string path in paths.Concat(lists.SelectMany(ReadList)))
            Add(path, found);
        if (found.Count == 0)
            throw new ArgumentException("no images to encode: name a folder, an image file or a --list");
        return [.. found
            .DistinctBy(input => Path.GetFullPath(input.Source))
            .OrderBy(input => input.Name, StringComparer.Ordinal)
            .ThenBy(input => input.Source, StringComparer.Ordinal)];
    }

    private static void Add(string path, List<ImageInput> found)
    {
        if (File.Exists(path))
        {
            found.Add(new ImageInput(path, path));
            return;
        }
        if (!Directory.Exists(path))
            throw new ArgumentException($"{path} does not exist");

        int before = found.Count;
        // The default options skip hidden entries, which also keeps AtomicFile's leftover temp files out. The
        // predicate and the name are read from the directory entry, so listing 10,000 files allocates little.
        found.AddRange(new FileSystemEnumerable<ImageInput>(path,
            (ref FileSystemEntry entry) => new ImageInput(entry.ToSpecifiedFullPath(), RelativeName(ref entry)),
            new EnumerationOptions { RecurseSubdirectories = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => !entry.IsDirectory && IsImageName(entry.FileName),
        });
        if (found.Count == before)
            throw new ArgumentException($"no images ({string.Join(", ", FolderExtensions)}) in the folder {path}");
    }

    private static bool IsImageName(ReadOnlySpan<char> name)
    {
        foreach (string extension in FolderExtensions)
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>The entry's path below the folder being walked, with '/' between parts on every platform.</summary>
    private static string RelativeName(ref FileSystemEntry entry)
    {
        var below = entry.Directory[entry.RootDirectory.Length..].TrimStart(Path.DirectorySeparatorChar);
        string name = below.IsEmpty ? entry.FileName.ToString() : string.Concat(below, "/", entry.FileName);
        return Path.DirectorySeparatorChar == '/' ? name : name.Replace(Path.DirectorySeparatorChar, '/');
    }

    private static IEnumerable<string> ReadList(string listPath)
    {
        if (!File.Exists(listPath))
            throw new ArgumentException($"the list file {listPath} does not exist");
        return File.ReadLines(listPath).Where(line => !string.IsNullOrWhiteSpace(line)).ToList();
    }
}
