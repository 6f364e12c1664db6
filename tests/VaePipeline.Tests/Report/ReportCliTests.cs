using System.Xml.Linq;
using VaePipeline.Tests.Cli;
using VaePipeline.Tests.Images;

namespace VaePipeline.Tests.Report;

/// <summary>`vae report` on the committed reference model: every figure is written, and each holds what it should.</summary>
public sealed class ReportCliTests(ReportRun run) : IClassFixture<ReportRun>
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";
    private const int Tile = 28, Gap = 2;

    [Fact]
    public void Writes_every_figure_and_says_so()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.Error);
        string[] files = ["completion-contours.svg", "completion-elbo.svg", "completion.png", "curves.svg", "interpolations.png", "latent-space.svg",
            "manifold.png", "manifold.svg", "reconstructions.png", "samples.png", "sweep.svg"];
        Assert.Equal(files, Directory.GetFiles(run.Folder).Select(Path.GetFileName).Order());
        foreach (string file in files) Assert.Contains($"wrote {run.File(file)} (", run.Result.Output);
        Assert.Matches(@"report written to .* in \d+\.\d s", run.Result.Output);
    }

    [Theory]
    [InlineData("samples.png", 10, 2)]
    [InlineData("reconstructions.png", 10, 2)]
    [InlineData("interpolations.png", 10, 6)]
    public void Digit_rows_decode_to_distinct_non_blank_tiles(string file, int columns, int rows)
    {
        var (width, height, pixels) = TestImages.Decode(File.ReadAllBytes(run.File(file)));
        Assert.Equal((columns * (Tile + Gap) - Gap, rows * (Tile + Gap) - Gap), (width, height));
        var tiles = Tiles(pixels, width, columns, rows, Gap);
        Assert.All(tiles, t => Assert.True(Variance(t) > 0, $"a tile of {file} is blank"));
        Assert.True(tiles.Select(Convert.ToHexString).Distinct().Count() > tiles.Length / 2, $"{file} repeats its tiles");
    }

    [Fact]
    public void Binary_samples_are_black_and_white_and_the_reconstructions_top_row_is_the_test_set()
    {
        var (width, height, samples) = TestImages.Decode(File.ReadAllBytes(run.File("samples.png")));
        Assert.All(Tiles(samples, width, 10, 2, Gap)[10..], t => Assert.All(t, level => Assert.True(level is 0 or 255)));
        var (_, _, reconstructions) = TestImages.Decode(File.ReadAllBytes(run.File("reconstructions.png")));
        Assert.Equal(Training.Mnist.Test.Image(3).ToArray(), Tiles(reconstructions, width, 10, 2, Gap)[3]);
    }

    [Fact]
    public void The_manifold_png_is_the_30_by_30_grid_and_the_svg_embeds_it_with_labelled_axes()
    {
        byte[] png = File.ReadAllBytes(run.File("manifold.png"));
        var (width, height, pixels) = TestImages.Decode(png);
        Assert.Equal((30 * Tile, 30 * Tile), (width, height));
        Assert.True(Variance(pixels) > 0);

        var svg = XDocument.Load(run.File("manifold.svg")).Root!;
        Assert.Equal(("930", "920"), ((string)svg.Attribute("width")!, (string)svg.Attribute("height")!));
        var image = Assert.Single(svg.Elements(SvgNs + "image"));
        Assert.Equal("data:image/png;base64," + Convert.ToBase64String(png), (string)image.Attribute("href")!);
        string[] labels = [.. svg.Elements(SvgNs + "text").Select(t => t.Value)];
        Assert.Equal(["−2", "−1", "0", "1", "2", "−2", "−1", "0", "1", "2", "z₁", "z₂"], labels);
        // z₂ = +2 is at the top: its tick label sits higher than the −2 one.
        var yLabels = svg.Elements(SvgNs + "text").Skip(5).Take(5).Select(t => double.Parse((string)t.Attribute("y")!, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.True(yLabels[4] < yLabels[0]);
    }

    [Fact]
    public void The_latent_space_has_one_point_per_encoded_image_in_ten_colours_with_a_legend()
    {
        var svg = XDocument.Load(run.File("latent-space.svg")).Root!;
        Assert.Equal(("760", "680"), ((string)svg.Attribute("width")!, (string)svg.Attribute("height")!));
        var points = svg.Elements(SvgNs + "circle").ToArray();
        Assert.Equal(ReportRun.ScatterImages, points.Length);
        var labels = Training.Mnist.Test.Labels[..ReportRun.ScatterImages];
        var colourOfDigit = labels.Zip(points, (label, p) => (label, (string)p.Attribute("fill")!)).Distinct().ToArray();
        Assert.Equal(10, colourOfDigit.Length); // each digit one colour…
        Assert.Equal(10, colourOfDigit.Select(c => c.Item2).Distinct().Count()); // …and no two alike
        string[] texts = [.. svg.Elements(SvgNs + "text").Select(t => t.Value)];
        Assert.Contains("μ₁", texts);
        Assert.All(Enumerable.Range(0, 10), d => Assert.Contains($"{d}", texts));
    }

    [Fact]
    public void The_curves_have_one_polyline_per_series_through_every_evaluation()
    {
        var svg = XDocument.Load(run.File("curves.svg")).Root!;
        var lines = svg.Elements(SvgNs + "polyline").ToArray();
        Assert.Equal(6, lines.Length); // train and test for the ELBO, the reconstruction and the KL
        Assert.All(lines, l => Assert.Equal(ReportRun.MetricsRows.Length - 1, ((string)l.Attribute("points")!).Split(' ').Length));
        Assert.NotNull(svg.Attribute("width"));
    }

    [Fact]
    public void The_completion_fills_in_the_chosen_test_image_and_its_fit_raises_the_elbo()
    {
        var (width, _, pixels) = TestImages.Decode(File.ReadAllBytes(run.File("completion.png")));
        byte[][] tiles = Tiles(pixels, width, 7, 1, Gap);
        Assert.Equal(Training.Mnist.Test.Image(ReportRun.CompletionImage).ToArray(), tiles[0]);
        Assert.All(tiles[2..], t => Assert.Equal(tiles[0][..(14 * Tile)], t[..(14 * Tile)]));
        var elbo = System.Text.RegularExpressions.Regex.Match(run.Result.Output, @"completion of test image 3: ELBO (-?\d+\.\d+) at the first iteration, (-?\d+\.\d+) at the last");
        Assert.True(elbo.Success, run.Result.Output);
        Assert.True(double.Parse(elbo.Groups[2].Value) > double.Parse(elbo.Groups[1].Value));
    }

    [Fact]
    public void The_sweep_is_redrawn_from_its_table_one_line_per_beta_in_each_panel()
    {
        var svg = XDocument.Load(run.File("sweep.svg")).Root!;
        var lines = svg.Elements(SvgNs + "polyline").ToArray();
        Assert.Equal(3 * 2, lines.Length);
        Assert.All(lines, l => Assert.Equal(3, ((string)l.Attribute("points")!).Split(' ').Length));
        string[] texts = [.. svg.Elements(SvgNs + "text").Select(t => t.Value)];
        Assert.Contains("β = 0.1", texts);
        Assert.Contains("β = 1", texts);
    }

    private static byte[][] Tiles(byte[] pixels, int width, int columns, int rows, int gap) =>
        [.. Enumerable.Range(0, columns * rows).Select(t =>
        {
            int left = t % columns * (Tile + gap), top = t / columns * (Tile + gap);
            return Enumerable.Range(0, Tile * Tile).Select(i => pixels[(top + i / Tile) * width + left + i % Tile]).ToArray();
        })];

    private static double Variance(byte[] levels)
    {
        double mean = levels.Average(b => (double)b);
        return levels.Average(b => (b - mean) * (b - mean));
    }
}
