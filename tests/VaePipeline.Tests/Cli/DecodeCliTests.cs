using System.Globalization;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;
using VaePipeline.Tests.Images;
using VaePipeline.Tests.Onnx;

namespace VaePipeline.Tests.Cli;

/// <summary><c>vae decode</c> as a user runs it, on the committed reference model (D = 2) and on a seeded D = 5 export.</summary>
public class DecodeCliTests
{
    private static readonly string ReferenceModel = Path.Combine(SharedData.RepositoryRoot, "onnx", OnnxContract.DecoderFile);

    private static readonly float[] SomeLatents = [0f, 0f, -1.5f, 0.25f, 2.2f, -0.7f, 0.3f, 1.9f];

    [Fact]
    public void A_grid_mosaic_holds_the_decoded_grid_tile_by_tile()
    {
        using var dir = new TempDirectory();
        string png = dir.File("grid.png");

        var result = VaeProcess.Run("decode", "--model", ReferenceModel, "--grid", "5", "--mosaic", "--out", png);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains($"wrote {png}", result.Output);
        var (width, height, pixels) = TestImages.Decode(File.ReadAllBytes(png));
        Assert.Equal((5 * 28 + 4 * 2, 5 * 28 + 4 * 2), (width, height));
        byte[][] tiles = [.. Enumerable.Range(0, 25).Select(t => Tile(pixels, width, t % 5 * 30, t / 5 * 30))];
        using var decoder = VaeDecoder.Open(ReferenceModel);
        byte[] expected = Levels(decoder.Decode(decoder.GridLatents(5, 2f)));
        for (int t = 0; t < 25; t++)
        {
            Assert.Equal(expected[(t * 784)..((t + 1) * 784)], tiles[t]);
            Assert.True(tiles[t].Max() > 200 && tiles[t].Min() < 20, $"tile {t} is not a bright digit on black");
        }
        Assert.Equal(25, tiles.Select(Convert.ToHexString).Distinct().Count());
        Assert.Equal(128, pixels[28]); // the gap right of the first tile
    }

    [Theory]
    [InlineData("--grid must be 1 to 1,000 (at most 1,000,000 images in one run; got 50000)", "--grid", "50000", "--mosaic")]
    [InlineData("--grid must be 1 to 1,000 (at most 1,000,000 images in one run; got 40000)", "--grid", "40000")]
    [InlineData("--prior must be 1 to 1,000,000 (got 2,000,000,000)", "--prior", "2000000000")]
    [InlineData("--grid must be 1 to 1,000 (at most 1,000,000 images in one run; got 3000)", "--grid", "3000", "--mosaic")]
    [InlineData("a mosaic of 360,000 tiles of 28×28 in 600 columns would be 17,998×17,998 pixels, more than the limit of 268,435,456 (16384²)", "--grid", "600", "--mosaic")]
    public void Sizes_beyond_the_limits_are_refused_up_front_with_the_limit_named(string message, params string[] options)
    {
        using var dir = new TempDirectory();
        string output = dir.File(options.Contains("--mosaic") ? "grid.png" : "out");

        var result = VaeProcess.Run(["decode", "--model", ReferenceModel, .. options, "--out", output]);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {message}\n", result.Error);
        Assert.Empty(dir.EntryNames());
    }

    [Fact]
    public void A_mosaic_decoded_in_several_chunks_places_every_tile()
    {
        using var dir = new TempDirectory();
        string png = dir.File("grid.png");

        var result = VaeProcess.Run("decode", "--model", ReferenceModel, "--grid", "70", "--mosaic", "--out", png); // 4,900 latents

        Assert.True(result.ExitCode == 0, result.Error);
        var (width, _, pixels) = TestImages.Decode(File.ReadAllBytes(png));
        using var decoder = VaeDecoder.Open(ReferenceModel);
        byte[] expected = Levels(decoder.Decode(decoder.GridLatents(70, 2f)));
        foreach (int t in new[] { 0, 4095, 4096, 4899 })
            Assert.Equal(expected[(t * 784)..((t + 1) * 784)], Tile(pixels, width, t % 70 * 30, t / 70 * 30));
    }

    [Fact]
    public void Plain_latent_columns_give_one_png_per_row_with_the_decoders_levels()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("latents.csv");
        File.WriteAllLines(csv, ["z1,z2", .. Rows(SomeLatents, 2, i => [])]);

        var result = VaeProcess.Run("decode", "--model", ReferenceModel, "--latents", csv, "--out", dir.File("out"));

        Assert.True(result.ExitCode == 0, result.Error);
        AssertImages(dir.File("out"), ["0.png", "1.png", "2.png", "3.png"], ReferenceModel, SomeLatents);
    }

    [Fact]
    public void Encoder_output_decodes_its_means_into_files_named_after_the_source_images()
    {
        using var dir = new TempDirectory();
        string csv = dir.File("latents.csv");
        string[] paths = ["digits/a/3.png", "digits/b/3.png", "\"scans, 2024/7.jpg\"", "digits/a/3.png"];
        File.WriteAllLines(csv, ["path,mu_0,mu_1,log_sigma_0,log_sigma_1", .. Rows(SomeLatents, 2, i => [paths[i]], "-3.5,-2")]);

        var result = VaeProcess.Run("decode", "--model", ReferenceModel, "--latents", csv, "--out", dir.File("out"));

        Assert.True(result.ExitCode == 0, result.Error);
        AssertImages(dir.File("out"), ["3.png", "3-2.png", "7.png", "3-3.png"], ReferenceModel, SomeLatents);
    }

    [Theory]
    [InlineData("z1,z2\n0.5,1\n0.5\n", "line 3: 1 column, but the header has 2")]
    [InlineData("z1,z2\n0.5,1\n0.5,NaN\n", "line 3, column 2 (z2): 'NaN' is not a finite float")]
    [InlineData("path,mu_0,mu_1\nx.png,1e39,0\n", "line 2, column 2 (mu_0): '1e39' is not a finite float")]
    [InlineData("z1,z2\n0.5,abc\n", "line 2, column 2 (z2): 'abc' is not a number")]
    [InlineData("a,b,c\n1,2,3\n", "the header has 3 columns, but the decoder's latents have D = 2")]
    [InlineData("mu_0,mu_1,mu_2\n1,2,3\n", "holds 3-D latents (mu_0..mu_2), but the decoder's latents have D = 2")]
    [InlineData("z1,z2\n", "holds a header but no latents")]
    [InlineData("0.5,1\n-1,2\n", "line 1 holds numbers, not column names: a latents file starts with a header line")]
    public void A_bad_latents_file_is_one_error_naming_where_and_nothing_is_written(string content, string message)
    {
        using var dir = new TempDirectory();
        string csv = dir.File("latents.csv");
        File.WriteAllText(csv, content);

        var result = VaeProcess.Run("decode", "--model", ReferenceModel, "--latents", csv, "--out", dir.File("out"));

        Assert.Equal(1, result.ExitCode);
        Assert.Equal($"error: {csv}", result.Error.Split('\n')[0][..(7 + csv.Length)]);
        Assert.Contains(message, result.Error);
        Assert.Equal(["latents.csv"], dir.EntryNames());
    }

    [Fact]
    public void Existing_output_is_refused_without_force_and_replaced_with_it()
    {
        using var dir = new TempDirectory();
        string png = dir.File("grid.png");
        File.WriteAllText(png, "someone else's file");
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File("out/2.png"), "someone else's file");

        var mosaic = VaeProcess.Run("decode", "--model", ReferenceModel, "--grid", "3", "--mosaic", "--out", png);
        var folder = VaeProcess.Run("decode", "--model", ReferenceModel, "--prior", "4", "--out", dir.File("out"));

        Assert.Equal((1, 1), (mosaic.ExitCode, folder.ExitCode));
        Assert.Contains($"{png} already exists; pass --force", mosaic.Error);
        Assert.Contains($"{dir.File("out/2.png")} already exists; pass --force", folder.Error);
        Assert.Equal(["2.png"], Directory.GetFileSystemEntries(dir.File("out")).Select(Path.GetFileName));
        Assert.Equal("someone else's file", File.ReadAllText(png));

        var forced = VaeProcess.Run("decode", "--model", ReferenceModel, "--grid", "3", "--mosaic", "--out", png, "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        var replaced = TestImages.Decode(File.ReadAllBytes(png));
        Assert.Equal((3 * 28 + 2 * 2, 3 * 28 + 2 * 2), (replaced.Width, replaced.Height));
        Assert.Equal(["grid.png", "out"], dir.EntryNames());
    }

    [Fact]
    public void A_grid_needs_a_2d_latent_space_while_the_prior_serves_any()
    {
        using var dir = new TempDirectory();
        OnnxGraphTests.Export(dir, new VaeConfig { Hidden = [16], Latent = 5 });
        string model = dir.File(OnnxContract.DecoderFile);

        var grid = VaeProcess.Run("decode", "--model", model, "--grid", "4", "--mosaic", "--out", dir.File("grid.png"));
        var prior = VaeProcess.Run("decode", "--model", model, "--prior", "3", "--seed", "9", "--out", dir.File("prior"));

        Assert.Equal(1, grid.ExitCode);
        Assert.Equal($"error: --grid needs a 2-D latent space, and {model} has D = 5; use --prior or --latents\n", grid.Error);
        Assert.False(File.Exists(dir.File("grid.png")));
        Assert.True(prior.ExitCode == 0, prior.Error);
        using var decoder = VaeDecoder.Open(model);
        AssertImages(dir.File("prior"), ["0.png", "1.png", "2.png"], model, decoder.PriorLatents(3, seed: 9));
    }

    /// <summary>The folder holds exactly these PNGs, and PNG i holds round(255·p) of the decoder's means for latent i.</summary>
    private static void AssertImages(string folder, string[] names, string model, float[] latents)
    {
        Assert.Equal(names.Order(), Directory.GetFiles(folder).Select(Path.GetFileName).Order());
        using var decoder = VaeDecoder.Open(model);
        byte[] expected = Levels(decoder.Decode(latents));
        for (int i = 0; i < names.Length; i++)
        {
            var (width, height, pixels) = TestImages.Decode(File.ReadAllBytes(Path.Combine(folder, names[i])));
            Assert.Equal((28, 28), (width, height));
            Assert.Equal(expected[(i * 784)..((i + 1) * 784)], pixels);
        }
    }

    /// <summary>The expected 8-bit levels, written out here rather than taken from the code under test.</summary>
    private static byte[] Levels(float[] means) =>
        [.. means.Select(p => (byte)Math.Round(Math.Clamp((double)p, 0, 1) * 255, MidpointRounding.AwayFromZero))];

    private static byte[] Tile(byte[] pixels, int width, int left, int top) =>
        [.. Enumerable.Range(0, 28).SelectMany(y => pixels.AsSpan((top + y) * width + left, 28).ToArray())];

    /// <summary>CSV lines of <paramref name="latents"/> (<paramref name="d"/> per row, round-trip precision) between the row's leading fields and <paramref name="trailing"/>.</summary>
    private static IEnumerable<string> Rows(float[] latents, int d, Func<int, string[]> leading, string? trailing = null) =>
        Enumerable.Range(0, latents.Length / d).Select(i => string.Join(',',
            [.. leading(i), .. latents[(i * d)..(i * d + d)].Select(v => v.ToString("R", CultureInfo.InvariantCulture)), .. trailing is null ? [] : new[] { trailing }]));
}
