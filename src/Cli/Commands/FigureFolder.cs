using VaePipeline.Inference.Figures;
using VaePipeline.Inference.Images;

namespace VaePipeline.Cli.Commands;

/// <summary>
/// The output folder of the figure commands: writes each figure atomically and says what it wrote. The folder is
/// created with the first figure, so input that fails its checks leaves no empty folder behind.
/// </summary>
internal sealed class FigureFolder(string path)
{
    /// <summary>The path of <paramref name="name"/> in the folder, which exists once this returns.</summary>
    public string Target(string name)
    {
        Directory.CreateDirectory(path);
        return Path.Combine(path, name);
    }

    public void Png(string name, GrayImage image, string? what = null)
    {
        string target = Target(name);
        PngWriter.Write(target, image);
        Report(target, $"{image.Width}×{image.Height}" + (what is null ? "" : $", {what}"));
    }

    public void Svg(string name, Svg svg, string? what = null)
    {
        string target = Target(name);
        svg.Write(target);
        Report(target, $"{svg.Width}×{svg.Height}" + (what is null ? "" : $", {what}"));
    }

    /// <summary>Reports a file written by other means (the manifold's PNG, embedded in its SVG as well).</summary>
    public void Wrote(string name, string what) => Report(Target(name), what);

    private static void Report(string target, string what) =>
        Console.WriteLine($"wrote {target} ({new FileInfo(target).Length / 1024.0:F1} KiB; {what})");
}
