using System.IO.Enumeration;

namespace VaePipeline.Inference.Latents;

/// <summary>One file to encode: <see cref="Source"/> opens it, <see cref="Name"/> is what the output calls it.</summary>
public sealed record ImageInput(string Source, string Name);

/// <summary>What <see cref="ImageInputs.Expand"/> found: the files to encode, and the entries it could not look into, each "path: reason".</summary>
public sealed record FoundImages(ImageInput[] Files, string[] Skipped);

/// <summary>
/// Expands folders, files and list files into the files to encode, in the order a latents file lists them.
/// </summary>
public static class ImageInputs
{
    /// <summary>Walking a folder takes these (case-insensitive); each file's format is still told from its bytes.</summary>
    public static readonly string[] FolderExtensions = [".png", ".jpg", ".jpeg"];

    // One folder at a time, so that a folder which cannot be listed is named and the walk goes on. The default skips
    // hidden entries, which also keeps AtomicFile's leftover temp files out.
    private static readonly EnumerationOptions OneFolder = new() { IgnoreInaccessible = false };

    private readonly record struct Entry(string Path, string Name, bool IsFolder, bool IsLink);

    /// <summary>
    /// A folder contributes its image files at any depth, named relative to it with '/'; a file is named as given. As
    /// <c>find</c> does, the walk does not descend into links to folders (a named folder may itself be a link), so a
    /// link loop cannot list a file twice; links to files are read. A list file names one folder or file per line
    /// (blank lines skipped, relative paths from the current folder). The result is sorted by name (ordinal, then by
    /// source) and holds each file once, however often it was named. A folder that cannot be listed, or an entry
    /// whose name is not valid UTF-8 (it cannot be opened by its decoded name), is in <see cref="FoundImages.Skipped"/>.
    /// </summary>
    /// <exception cref="ArgumentException">A path or list does not exist, a readable folder holds no image files, or nothing was named.</exception>
    public static FoundImages Expand(IEnumerable<string> paths, IEnumerable<string> lists)
    {
        var found = new List<ImageInput>();
        var skipped = new List<string>();
        bool named = false;
        foreach (string path in paths.Concat(lists.SelectMany(ReadList)))
        {
            Add(path, found, skipped);
            named = true;
        }
        if (!named)
            throw new ArgumentException("no images to encode: name a folder, an image file or a --list");
        return new FoundImages([.. found
            .DistinctBy(input => Path.GetFullPath(input.Source))
            .OrderBy(input => input.Name, StringComparer.Ordinal)
            .ThenBy(input => input.Source, StringComparer.Ordinal)], [.. skipped]);
    }

    private static void Add(string path, List<ImageInput> found, List<string> skipped)
    {
        if (File.Exists(path))
        {
            found.Add(new ImageInput(path, path));
            return;
        }
        if (!Directory.Exists(path))
            throw new ArgumentException($"{path} does not exist");

        int before = found.Count, skippedBefore = skipped.Count;
        Walk(path, "", found, skipped);
        if (found.Count == before && skipped.Count == skippedBefore)
            throw new ArgumentException($"no images ({string.Join(", ", FolderExtensions)}) in the folder {path}");
    }

    /// <param name="prefix">The folder's path below the walk's root, with '/' after each part on every platform.</param>
    private static void Walk(string folder, string prefix, List<ImageInput> found, List<string> skipped)
    {
        Entry[] entries;
        try
        {
            // Attributes costs a stat(2) per entry on Unix, so it is asked only of folders, the only entries it decides.
            entries = [.. new FileSystemEnumerable<Entry>(folder, (ref FileSystemEntry entry) => new Entry(entry.ToSpecifiedFullPath(),
                entry.FileName.ToString(), entry.IsDirectory, entry.IsDirectory && entry.Attributes.HasFlag(FileAttributes.ReparsePoint)), OneFolder)];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            skipped.Add($"{folder}: the folder cannot be listed: {e.Message}");
            return;
        }
        foreach (var entry in entries)
        {
            if (entry.IsFolder ? entry.IsLink : !IsImageName(entry.Name)) continue;
            // .NET decodes a name that is not UTF-8 with U+FFFD for the bad bytes, and no file has that decoded name.
            if (entry.Name.Contains('\uFFFD') && !Path.Exists(entry.Path))
                skipped.Add($"{entry.Path}: the name is not valid UTF-8 (shown with U+FFFD), so it cannot be opened; rename it");
            else if (entry.IsFolder)
                Walk(entry.Path, $"{prefix}{entry.Name}/", found, skipped);
            else
                found.Add(new ImageInput(entry.Path, prefix + entry.Name));
        }
    }

    private static bool IsImageName(ReadOnlySpan<char> name)
    {
        foreach (string extension in FolderExtensions)
            if (name.EndsWith(extension, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static IEnumerable<string> ReadList(string listPath)
    {
        if (!File.Exists(listPath))
            throw new ArgumentException($"the list file {listPath} does not exist");
        return File.ReadLines(listPath).Where(line => !string.IsNullOrWhiteSpace(line)).ToList();
    }
}
