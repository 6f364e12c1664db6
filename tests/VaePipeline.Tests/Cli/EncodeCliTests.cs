using System.Formats.Tar;
using System.Globalization;
using System.IO.Compression;
using System.Text.Json;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;
using VaePipeline.Tests.Onnx;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Cli;

/// <summary>The shared archive of the 10,000 MNIST test PNGs (test/LABEL/60000+INDEX.png), unpacked once for a test class.</summary>
public sealed class MnistPngFolder : IDisposable
{
    private readonly TempDirectory _dir = new();

    public MnistPngFolder()
    {
        using var gzip = new GZipStream(System.IO.File.OpenRead(Path.Combine(SharedData.MnistPngDir, "mnist-test-png.tar.gz")), CompressionMode.Decompress);
        TarFile.ExtractToDirectory(gzip, _dir.Path, overwriteFiles: false);
    }

    /// <summary>The folder holding the ten label folders.</summary>
    public string Images => Path.Combine(_dir.Path, "test");

    /// <summary>The file of test image <paramref name="index"/> (its label names the folder).</summary>
    public string File(int index) => Path.Combine(Images, Mnist.Test.Labels[index].ToString(CultureInfo.InvariantCulture), $"{60_000 + index}.png");

    public void Dispose() => _dir.Dispose();
}

/// <summary>
/// <c>vae encode</c> run as a user runs it, on the real MNIST PNG files and the committed reference model: the latents
/// of the files are the trainer's on the same idx images, bad files are skipped and named, and the output file is
/// written whole or not at all.
/// </summary>
public sealed class EncodeCliTests(MnistPngFolder png) : IClassFixture<MnistPngFolder>
{
    private static readonly string ReferenceFolder = Path.Combine(SharedData.RepositoryRoot, "onnx");
    private static readonly string Model = Path.Combine(ReferenceFolder, OnnxContract.EncoderFile);

    [Fact]
    public void The_10k_png_folder_encodes_to_the_trainers_latents_of_the_idx_images()
    {
        using var dir = new TempDirectory();
        string output = dir.File("latents.csv");
        var result = VaeProcess.Run("encode", png.Images, "--model", Model, "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("", result.Error);
        Assert.Contains("encoded 10,000 images (0 failed)", result.Output);

        string[] lines = File.ReadAllLines(output);
        Assert.Equal("path,mu_0,mu_1,log_sigma_0,log_sigma_1", lines[0]);
        var rows = lines[1..].Select(ParseCsvRow).ToArray();
        Assert.Equal(10_000, rows.Length);
        Assert.Equal(rows.Select(r => r.Path).Order(StringComparer.Ordinal), rows.Select(r => r.Path));

        // Each row's file is test/LABEL/60000+INDEX.png: the latents must be those of idx image INDEX.
        int[] indices = rows.Select(r => int.Parse(Path.GetFileNameWithoutExtension(r.Path), CultureInfo.InvariantCulture) - 60_000).ToArray();
        Assert.Equal(Enumerable.Range(0, 10_000), indices.Order());
        Assert.All(rows.Zip(indices), p => Assert.Equal($"{Mnist.Test.Labels[p.Second]}/{60_000 + p.Second}.png", p.First.Path));

        using var encoder = VaeEncoder.Open(Model);
        var (mean, logSigma) = encoder.Encode(TrainerReference.Pixels(Mnist.Test, indices));
        var trainer = TrainerReference.FromExport(ReferenceFolder).Encode(Mnist.Test, indices);
        AssertClose(mean, rows.SelectMany(r => r.Mean));
        AssertClose(logSigma, rows.SelectMany(r => r.LogSigma));
        AssertClose(trainer.Mean, rows.SelectMany(r => r.Mean));
        AssertClose(trainer.LogSigma, rows.SelectMany(r => r.LogSigma));
    }

    [Fact]
    public void Bad_files_are_reported_by_path_and_skipped_while_the_good_ones_are_encoded()
    {
        using var dir = new TempDirectory();
        string images = dir.File("images");
        int[] good = CopyImages(images, 12);
        byte[] sample = File.ReadAllBytes(png.File(0));
        File.WriteAllBytes(Path.Combine(images, "truncated.png"), sample[..(sample.Length / 2)]);
        File.WriteAllBytes(Path.Combine(images, "empty.PNG"), []);
        File.WriteAllText(Path.Combine(images, "notes.jpg"), "hello, I am text");
        File.WriteAllText(Path.Combine(images, "readme.txt"), "not an image name, so never opened");
        // The format comes from the bytes: a JPEG with an upper-case extension and a PNG named .jpg are both read.
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Images", "Fixtures", "gray.jpg"), Path.Combine(images, "photo.JPEG"));
        File.Copy(png.File(good.Length), Path.Combine(images, "misnamed.jpg"));

        string output = dir.File("latents.csv");
        var result = VaeProcess.Run("encode", images, "--model", Model, "--out", output, "--batch-size", "5");
        Assert.Equal(2, result.ExitCode);
        string[] errors = result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, errors.Length);
        Assert.Contains(errors, e => e.Contains("empty.PNG") && e.Contains("empty (0 bytes)"));
        Assert.Contains(errors, e => e.Contains("notes.jpg") && e.Contains("not a PNG or JPEG"));
        Assert.Contains(errors, e => e.Contains("truncated.png") && e.Contains("invalid PNG"));
        Assert.DoesNotContain("readme.txt", result.Error);
        Assert.Contains("encoded 14 images (3 failed)", result.Output);

        var rows = File.ReadAllLines(output)[1..].Select(ParseCsvRow).ToArray();
        string[] expected = [.. good.Select(i => $"{60_000 + i}.png"), "misnamed.jpg", "photo.JPEG"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), rows.Select(r => r.Path));
    }

    [Fact]
    public void A_folder_of_nothing_but_bad_files_is_an_error_and_writes_nothing()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("images"));
        File.WriteAllText(Path.Combine(dir.Path, "images", "a.png"), "text");
        var result = VaeProcess.Run("encode", dir.File("images"), "--model", Model, "--out", dir.File("latents.csv"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("a.png: not a PNG or JPEG", result.Error);
        Assert.Contains("error: none of the 1 files could be read", result.Error);
        Assert.Equal(["images"], dir.EntryNames());
    }

    [Fact]
    public void An_existing_output_is_refused_without_force_and_left_untouched()
    {
        using var dir = new TempDirectory();
        string images = dir.File("images");
        CopyImages(images, 3);
        string output = dir.File("latents.csv");
        File.WriteAllText(output, "precious");

        var refused = VaeProcess.Run("encode", images, "--model", Model, "--out", output);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already exists; pass --force", refused.Error);
        Assert.Equal("precious", File.ReadAllText(output));

        var forced = VaeProcess.Run("encode", images, "--model", Model, "--out", output, "--force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(4, File.ReadAllLines(output).Length);
        Assert.Equal(["images", "latents.csv"], dir.EntryNames()); // no temporary file left behind
    }

    [Theory]
    [InlineData("no images (.png, .jpg, .jpeg) in the folder", "{dir}/empty-folder")]
    [InlineData("does not exist", "{dir}/no-such-folder")]
    [InlineData("the list file", "--list", "{dir}/no-such-list.txt")]
    [InlineData("no images to encode", "--list", "{dir}/empty-list.txt")]
    [InlineData("no input 'pixels'", "{dir}/images", "--model", "{decoder}")]
    [InlineData("does not exist (pass --model FILE)", "{dir}/images", "--model", "{dir}/no-such-model.onnx")]
    [InlineData("--batch-size must be ≥ 1", "{dir}/images", "--batch-size", "0")]
    public void Nothing_to_do_gets_one_clear_error_exit_1_and_no_output(string message, params string[] options)
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("empty-folder"));
        File.WriteAllText(Path.Combine(dir.Path, "empty-folder", "readme.txt"), "no images here");
        File.WriteAllText(dir.File("empty-list.txt"), "\n\n");
        CopyImages(dir.File("images"), 2);
        string output = dir.File("latents.csv");
        // The reference model's decoder stands for a wrong model; the reference encoder is used unless a case names another.
        string[] arguments = [.. options.Select(o => o.Replace("{dir}", dir.Path).Replace("{decoder}", Path.Combine(ReferenceFolder, OnnxContract.DecoderFile)))];
        string[] model = options.Contains("--model") ? [] : ["--model", Model];

        var result = VaeProcess.Run(["encode", .. arguments, .. model, "--out", output]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains(message, result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(output));
    }

    [Fact]
    public void An_encoder_that_does_not_read_784_pixels_is_refused_and_nothing_is_written()
    {
        using var dir = new TempDirectory();
        OnnxGraphTests.Export(dir, new VaeConfig { Input = 100, Hidden = [8] });
        CopyImages(dir.File("images"), 3);

        var result = VaeProcess.Run("encode", dir.File("images"), "--model", dir.File(OnnxContract.EncoderFile), "--out", dir.File("latents.csv"));

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: ", result.Error);
        Assert.Contains("reads 100 pixels per image, but images are encoded as 28 × 28 = 784 pixels", result.Error);
        Assert.Single(result.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(File.Exists(dir.File("latents.csv")));
    }

    [Fact]
    public void Paths_with_spaces_commas_and_unicode_are_read_from_folders_files_and_lists_and_quoted_in_csv()
    {
        using var dir = new TempDirectory();
        string folder = dir.File("digits with spaces ü");
        Directory.CreateDirectory(Path.Combine(folder, "sub dir ✓"));
        File.Copy(png.File(0), Path.Combine(folder, "sub dir ✓", "seven, \"quoted\" é.png"));
        File.Copy(png.File(1), Path.Combine(folder, "zwei ß.PNG"));
        string loose = dir.File("lose Datei ö.png");
        File.Copy(png.File(2), loose);
        string list = dir.File("list ü.txt");
        File.WriteAllLines(list, [loose, "", folder]);

        string output = dir.File("out ü.csv");
        var result = VaeProcess.Run("encode", "--list", list, "--model", Model, "--out", output);
        Assert.True(result.ExitCode == 0, result.Error);

        string[] lines = File.ReadAllLines(output);
        Assert.Equal([loose, "sub dir ✓/seven, \"quoted\" é.png", "zwei ß.PNG"], lines[1..].Select(l => ParseCsvRow(l).Path));
        Assert.StartsWith("\"sub dir ✓/seven, \"\"quoted\"\" é.png\",", lines[2]);

        // The same file given twice (in the list and on the command line) is encoded once.
        var again = VaeProcess.Run("encode", loose, "--list", list, "--model", Model, "--out", output, "--force");
        Assert.True(again.ExitCode == 0, again.Error);
        Assert.Equal(lines, File.ReadAllLines(output));
    }

    [Fact]
    public void Decode_reads_what_encode_wrote_even_a_path_with_a_line_break()
    {
        using var dir = new TempDirectory();
        string images = dir.File("images");
        Directory.CreateDirectory(images);
        File.Copy(png.File(0), Path.Combine(images, "first\nline.png"));
        File.Copy(png.File(1), Path.Combine(images, "second, \"quoted\".png"));
        var encoded = VaeProcess.Run("encode", images, "--model", Model, "--out", dir.File("latents.csv"));
        Assert.True(encoded.ExitCode == 0, encoded.Error);

        var decoded = VaeProcess.Run("decode", "--latents", dir.File("latents.csv"), "--out", dir.File("out"),
            "--model", Path.Combine(ReferenceFolder, OnnxContract.DecoderFile));

        Assert.True(decoded.ExitCode == 0, decoded.Error);
        Assert.Equal(["first\nline.png", "second, \"quoted\".png"], Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Jsonl_holds_the_same_latents_as_csv_one_object_per_line()
    {
        using var dir = new TempDirectory();
        string images = dir.File("images");
        CopyImages(images, 7);
        Assert.Equal(0, VaeProcess.Run("encode", images, "--model", Model, "--out", dir.File("l.csv")).ExitCode);
        var result = VaeProcess.Run("encode", images, "--model", Model, "--out", dir.File("l.jsonl"), "--format", "jsonl");
        Assert.True(result.ExitCode == 0, result.Error);

        var csv = File.ReadAllLines(dir.File("l.csv"))[1..].Select(ParseCsvRow).ToArray();
        string[] json = File.ReadAllLines(dir.File("l.jsonl"));
        Assert.Equal(csv.Length, json.Length);
        foreach (var (row, line) in csv.Zip(json))
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            Assert.Equal(row.Path, root.GetProperty("path").GetString());
            Assert.Equal(row.Mean, root.GetProperty("mu").EnumerateArray().Select(v => v.GetSingle()));
            Assert.Equal(row.LogSigma, root.GetProperty("log_sigma").EnumerateArray().Select(v => v.GetSingle()));
        }
    }

    [Fact]
    public void Help_names_the_extensions_the_default_output_and_the_exit_code()
    {
        var help = VaeProcess.Run("encode", "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains(".png, .jpg, .jpeg", help.Output);
        Assert.Contains("latents.csv", help.Output);
        Assert.Contains("exit code is then 2", help.Output);
    }

    /// <summary>Copies the PNGs of the first <paramref name="count"/> test images into <paramref name="folder"/>.</summary>
    private int[] CopyImages(string folder, int count)
    {
        Directory.CreateDirectory(folder);
        int[] indices = [.. Enumerable.Range(0, count)];
        foreach (int i in indices) File.Copy(png.File(i), Path.Combine(folder, $"{60_000 + i}.png"));
        return indices;
    }

    private sealed record Row(string Path, float[] Mean, float[] LogSigma);

    /// <summary>An output row of a D = 2 model: a path (quoted per RFC 4180 when it needs to be), then four floats.</summary>
    private static Row ParseCsvRow(string line)
    {
        string path, rest;
        if (line.StartsWith('"'))
        {
            int close = 1;
            while ((close = line.IndexOf('"', close)) + 1 < line.Length && line[close + 1] == '"') close += 2;
            path = line[1..close].Replace("\"\"", "\"");
            rest = line[(close + 2)..];
        }
        else
        {
            path = line[..line.IndexOf(',')];
            rest = line[(path.Length + 1)..];
        }
        float[] values = rest.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(4, values.Length);
        return new Row(path, values[..2], values[2..]);
    }

    private static void AssertClose(IEnumerable<float> expected, IEnumerable<float> actual)
    {
        float[] e = [.. expected], a = [.. actual];
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
            Assert.True(Math.Abs(e[i] - a[i]) <= 1e-5f, $"value {i}: expected {e[i]}, got {a[i]}");
    }
}
