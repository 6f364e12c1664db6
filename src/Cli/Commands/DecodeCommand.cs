using System.CommandLine;
using System.Globalization;
using VaePipeline.Inference.Latents;
using VaePipeline.Inference.Images;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae decode</c>: latents (from a CSV file, a grid, or the prior) to PNG images of the decoder's Bernoulli means.</summary>
internal static class DecodeCommand
{
    /// <summary>The most latents one run decodes: a million PNG files, or a mosaic's worth (which has its own pixel limit).</summary>
    private const int MaxImages = 1_000_000;

    /// <summary>Latents per decoder run: large enough to batch well, small enough that memory does not grow with the count.</summary>
    private const int ChunkSize = 4096;

    private static readonly Option<string> Model = new("--model", "-m")
    {
        Description = $"The decoder: a {OnnxContract.DecoderFile} written by 'vae export'.",
        HelpName = "FILE",
        DefaultValueFactory = _ => Path.Combine("onnx", OnnxContract.DecoderFile),
    };
    private static readonly Option<string?> Latents = new("--latents")
    {
        Description = $"CSV file with a header and one latent per line: D numeric columns, or {LatentsFile.MeanColumn(0)}..mu_{{D-1}} " +
                      $"as 'vae encode' writes them (then the images are named after its '{LatentsFile.PathColumn}' column).",
        HelpName = "FILE",
    };
    private static readonly Option<int?> Grid = new("--grid") { Description = "Decode the N × N grid over [-extent, extent]² (2-D latents only).", HelpName = "N" };
    private static readonly Option<float> Extent = new("--extent") { Description = "Half-width of the --grid square.", DefaultValueFactory = _ => 2f };
    private static readonly Option<int?> Prior = new("--prior") { Description = "Decode N draws from the prior N(0, I).", HelpName = "N" };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Seed for the --prior draws.", DefaultValueFactory = _ => 1UL };
    private static readonly Option<string> Out = new("--out", "-o")
    {
        Description = "Folder for one PNG per latent, or with --mosaic the one PNG file.",
        HelpName = "PATH",
        Required = true,
    };
    private static readonly Option<bool> MosaicOption = new("--mosaic") { Description = "Write all images tiled into one PNG." };
    private static readonly Option<int?> Columns = new("--columns") { Description = "Tiles per mosaic row (default: N for a grid, else about √count).", HelpName = "C" };
    private static readonly Option<Spelled<InferenceDevice>> Device = DeviceOption.Create();
    private static readonly Option<bool> Force = new("--force") { Description = "Replace PNG files that already exist." };

    /// <summary>What to decode, in words for the report, and how many mosaic columns suit it.</summary>
    private sealed record Selection(float[] Latents, int Count, string[]? SourcePaths, string Description, int MosaicColumns);

    public static Command Create()
    {
        var command = new Command("decode",
            "Decode latents to 8-bit grayscale PNGs of the Bernoulli means (level = round(255·p)): from a CSV file, an N × N grid " +
            "over the 2-D latent space, or draws from the prior; one file per latent, or one mosaic.")
        {
            Model, Latents, Grid, Extent, Prior, Seed, Out, MosaicOption, Columns, Device, Force,
        };
        command.SetAction((parse, _) => CommandErrors.Run(() => Task.FromResult(Decode(parse))));
        return command;
    }

    private static int Decode(ParseResult parse)
    {
        CheckCombination(parse);
        string model = parse.GetValue(Model)!;
        string output = parse.GetValue(Out)!;
        bool mosaic = parse.GetValue(MosaicOption);
        if (!File.Exists(model)) throw new FileNotFoundException($"there is no model {model} (--model names a {OnnxContract.DecoderFile} written by 'vae export')");

        using var decoder = VaeDecoder.Open(model, DeviceOption.Read(parse, Device));
        int side = TileSide(decoder.PixelCount, model);
        var selection = Select(parse, decoder, model);
        int columns = parse.GetValue(Columns) ?? selection.MosaicColumns;
        if (columns < 1) throw new ArgumentException($"--columns must be ≥ 1 (got {columns})");

        string[] names = mosaic ? [] : ImageFileNames.For(selection.Count, selection.SourcePaths);
        string[] targets = mosaic ? [output] : [.. names.Select(name => Path.Combine(output, name))];
        CheckTargets(output, mosaic, targets, parse.GetValue(Force));

        // Decoded and written a chunk at a time, so memory stays bounded whatever the count; every input and target was
        // checked above and the mosaic's canvas made, so what can still fail midway is the disk.
        var canvas = mosaic ? new Mosaic(selection.Count, side, side, columns) : null;
        if (!mosaic) Directory.CreateDirectory(output);
        int d = decoder.LatentSize, pixels = side * side;
        var means = new float[Math.Min(ChunkSize, selection.Count) * pixels];
        for (int start = 0; start < selection.Count; start += ChunkSize)
        {
            int count = Math.Min(ChunkSize, selection.Count - start);
            decoder.Decode(selection.Latents.AsMemory(start * d, count * d), means.AsMemory(0, count * pixels));
            byte[] levels = GrayLevels.FromIntensities(means.AsSpan(0, count * pixels));
            if (canvas is not null) canvas.Place(start, levels);
            else
                for (int i = 0; i < count; i++)
                    PngWriter.Write(targets[start + i], new GrayImage(side, side, levels.AsSpan(i * pixels, pixels)));
        }

        string decoded = $"decoded {selection.Description} with {model}";
        if (canvas is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
            PngWriter.Write(output, canvas.Image);
            int rows = (selection.Count + canvas.Columns - 1) / canvas.Columns;
            Console.WriteLine($"{decoded}: wrote {output} ({canvas.Columns} × {rows} tiles of {side}×{side}, {canvas.Width}×{canvas.Height} pixels)");
        }
        else
        {
            string range = selection.Count == 1 ? names[0] : $"{names[0]} … {names[^1]}";
            Console.WriteLine($"{decoded}: wrote {selection.Count:N0} PNGs of {side}×{side} to {output} ({range})");
        }
        return 0;
    }

    /// <summary>Exactly one source of latents, and no option that the chosen source or output would ignore.</summary>
    private static void CheckCombination(ParseResult parse)
    {
        var sources = new Option[] { Latents, Grid, Prior }.Where(o => Given(parse, o)).ToList();
        if (sources.Count != 1)
            throw new ArgumentException(sources.Count == 0
                ? "say what to decode: --latents FILE, --grid N or --prior N"
                : $"{string.Join(" and ", sources.Select(o => o.Name))} both say what to decode; give one of them");
        foreach (var (option, needs) in new (Option, Option)[] { (Extent, Grid), (Seed, Prior), (Columns, MosaicOption) })
            if (Given(parse, option) && !Given(parse, needs))
                throw new ArgumentException($"{option.Name} applies only with {needs.Name}");
    }

    private static bool Given(ParseResult parse, Option option) => parse.GetResult(option) is { Implicit: false };

    private static Selection Select(ParseResult parse, VaeDecoder decoder, string model)
    {
        if (parse.GetValue(Latents) is { } file)
        {
            var table = LatentsFile.Read(file, decoder.LatentSize);
            if (table.Count > MaxImages) throw new ArgumentException($"{file} holds {table.Count:N0} latents; at most {MaxImages:N0} are decoded in one run");
            return new Selection(table.Latents, table.Count, table.SourcePaths, $"{table.Count:N0} latents from {file}", SquareColumns(table.Count));
        }
        if (parse.GetValue(Grid) is { } n)
        {
            // GridLatents refuses too, but only this message can point at the options that would work.
            if (decoder.LatentSize != 2)
                throw new ArgumentException($"--grid needs a 2-D latent space, and {model} has D = {decoder.LatentSize}; use --prior or --latents");
            if (n < 1 || (long)n * n > MaxImages)
                throw new ArgumentException($"--grid must be 1 to {(int)Math.Sqrt(MaxImages):N0} (at most {MaxImages:N0} images in one run; got {n})");
            float extent = parse.GetValue(Extent);
            var grid = decoder.GridLatents(n, extent);
            return new Selection(grid, n * n, null, string.Create(CultureInfo.InvariantCulture, $"the {n}×{n} grid over [-{extent}, {extent}]²"), n);
        }
        int count = parse.GetValue(Prior)!.Value;
        if (count < 1 || count > MaxImages) throw new ArgumentException($"--prior must be 1 to {MaxImages:N0} (got {count:N0})");
        ulong seed = parse.GetValue(Seed);
        return new Selection(decoder.PriorLatents(count, seed), count, null, $"{count:N0} draws from N(0, I) (seed {seed})", SquareColumns(count));
    }

    private static int SquareColumns(int count) => (int)Math.Ceiling(Math.Sqrt(count));

    /// <summary>The side of the square image a decoder row holds (28 for MNIST's 784 pixels).</summary>
    private static int TileSide(int pixels, string model)
    {
        int side = (int)Math.Round(Math.Sqrt(pixels));
        return side * side == pixels ? side : throw new InvalidDataException($"{model} decodes {pixels} pixels per latent, which is no square image");
    }

    /// <summary>Refuses, before anything is written, an output that cannot be written or would replace files without --force.</summary>
    private static void CheckTargets(string output, bool mosaic, string[] targets, bool force)
    {
        if (mosaic && Directory.Exists(output)) throw new ArgumentException($"{output} is a folder; with --mosaic, --out names the PNG file to write");
        if (!mosaic && File.Exists(output)) throw new ArgumentException($"{output} is a file; without --mosaic, --out names a folder for the PNGs");
        if (force) return;
        var existing = targets.Where(File.Exists).ToList();
        if (existing.Count == 0) return;
        string which = existing.Count == 1 ? $"{existing[0]} already exists" : $"{existing.Count:N0} of the {targets.Length:N0} files to write already exist ({existing[0]}, …)";
        throw new ArgumentException($"{which}; pass --force to replace them, or choose another --out");
    }
}
