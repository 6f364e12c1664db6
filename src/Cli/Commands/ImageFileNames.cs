namespace VaePipeline.Cli.Commands;

/// <summary>The file names <c>vae decode</c> gives one PNG per latent, so that a folder of them sorts and never loses one.</summary>
internal static class ImageFileNames
{
    /// <summary>
    /// Zero-padded indexes (<c>00.png</c> … <c>24.png</c> for 25 latents), or, when each latent came from an image,
    /// that image's file name with a .png extension. A name already given gets -2, -3, … appended, because two sources
    /// may share a file name in different folders; the comparison ignores case, for case-insensitive file systems.
    /// </summary>
    public static string[] For(int count, IReadOnlyList<string>? sourcePaths)
    {
        int digits = (count - 1).ToString().Length;
        var taken = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            // Either separator: the file may come from Windows, where Path on Linux would keep "C:\x\1" whole.
            string stem = sourcePaths is null ? "" : Path.GetFileNameWithoutExtension(sourcePaths[i].Replace('\\', '/'));
            if (stem.Length == 0) stem = i.ToString().PadLeft(digits, '0');
            string name = stem + ".png";
            for (int copy = 2; !taken.Add(name); copy++) name = $"{stem}-{copy}.png";
            names[i] = name;
        }
        return names;
    }
}
