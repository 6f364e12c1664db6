using System.CommandLine;
using System.Diagnostics;
using VaePipeline.Inference.Components;
using VaePipeline.Inference.Figures;
using VaePipeline.Inference.Images;
using VaePipeline.IO;
using VaePipeline.Model;

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae report</c>: the figures of the VAE write-ups (samples, reconstructions, manifold, …) from an exported ONNX pair.</summary>
internal static class ReportCommand
{
    private static readonly Option<string> ModelDir = new("--model-dir")
    {
        Description = $"Folder holding {OnnxContract.EncoderFile} and {OnnxContract.DecoderFile} (written by 'vae export').",
        HelpName = "DIR",
        DefaultValueFactory = _ => "onnx",
    };
    private static readonly Option<string> Out = new("--out", "-o") { Description = "Folder for the figures.", HelpName = "DIR", DefaultValueFactory = _ => "report" };
    private static readonly Option<string?> Data = DataOptions.Data();
    private static readonly Option<bool> Force = new("--force") { Description = "Write into an output folder that already holds files, replacing them." };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Seed for the prior draws, the binary samples and the reconstructions' z.", DefaultValueFactory = _ => 1UL };
    private static readonly Option<bool> Quantiles = new("--manifold-quantiles")
    {
        Description = "Draw the manifold on a 20 × 20 grid at the normal quantiles Φ⁻¹((i+0.5)/20), as Kingma & Welling do, instead of 30 × 30 over [-2, 2]².",
    };
    private static readonly Option<int> ScatterImages = new("--scatter-images")
    {
        Description = "How many test images (from the first) the latent-space scatter encodes.",
        HelpName = "N",
        DefaultValueFactory = _ => 10_000,
    };
    private static readonly Option<string?> Metrics = new("--metrics") { Description = "A training run's metrics.csv, for curves.svg.", HelpName = "FILE" };
    private static readonly Option<bool> LogX = new("--log-x") { Description = "Epochs on a logarithmic axis in curves.svg." };

    public static Command Create()
    {
        var command = new Command("report",
            "Draw the figures of the VAE write-ups from an exported encoder/decoder pair: samples, reconstructions, interpolations, " +
            "the 2-D manifold, the test set's latent space and, given --metrics, the training curves.")
        {
            ModelDir, Out, Data, Force, Seed, Quantiles, ScatterImages, Metrics, LogX,
        };
        command.SetAction((parse, cancellation) => CommandErrors.Run(() => Report(parse, cancellation)));
        return command;
    }

    private static async Task<int> Report(ParseResult parse, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string models = parse.GetValue(ModelDir)!, output = parse.GetValue(Out)!;
        string encoderPath = CommandFolders.ExportedModel(models, OnnxContract.EncoderFile);
        string decoderPath = CommandFolders.ExportedModel(models, OnnxContract.DecoderFile);
        string? metrics = parse.GetValue(Metrics);
        if (metrics is not null && !File.Exists(metrics)) throw new FileNotFoundException($"there is no metrics log {metrics}");
        CommandFolders.RequireEmptyUnlessForced(output, parse.GetValue(Force));
        int scatterImages = parse.GetValue(ScatterImages);
        ulong seed = parse.GetValue(Seed);

        var (train, test) = await DataOptions.Load(parse.GetValue(Data), cancellation);
        if (scatterImages < 1 || scatterImages > test.Count) throw new ArgumentException($"--scatter-images must be 1 to {test.Count:N0} (got {scatterImages})");
        using var encoder = new VaeEncoderEstimator(encoderPath).Fit();
        using var decoder = new VaeDecoderEstimator(decoderPath).Fit();
        if (decoder.PixelCount != DigitTiles.Side * DigitTiles.Side || decoder.LatentSize != encoder.LatentSize)
            throw new InvalidDataException($"{models} does not hold a matching MNIST encoder/decoder pair");
        Directory.CreateDirectory(output);
        string Target(string name) => Path.Combine(output, name);

        Png(Target(SamplesFigure.FileName), SamplesFigure.Draw(decoder, seed));
        Png(Target(ReconstructionsFigure.FileName), ReconstructionsFigure.Draw(encoder, decoder, test, seed));
        Png(Target(InterpolationsFigure.FileName), InterpolationsFigure.Draw(encoder, decoder, train, test));
        if (decoder.LatentSize == 2)
        {
            var grid = parse.GetValue(Quantiles) ? ManifoldGrid.Quantiles(20) : ManifoldGrid.Even(decoder, 30, 2f);
            byte[] png = ManifoldFigure.Draw(decoder, grid);
            AtomicFile.Write(Target(ManifoldFigure.PngFileName), stream => stream.Write(png));
            Wrote(Target(ManifoldFigure.PngFileName), grid.Description);
            SvgFile(Target(ManifoldFigure.SvgFileName), ManifoldFigure.Frame(grid, png), grid.Description);
            SvgFile(Target(LatentSpaceFigure.FileName), LatentSpaceFigure.Draw(encoder, test, scatterImages), $"{scatterImages:N0} test images");
        }
        else Console.WriteLine($"skipped {ManifoldFigure.SvgFileName} and {LatentSpaceFigure.FileName}: they need a 2-D latent space, and this model's is {decoder.LatentSize}-D");
        if (metrics is not null)
            SvgFile(Target(CurvesFigure.FileName), CurvesFigure.Draw(TrainingLog.Read(metrics), parse.GetValue(LogX)), $"from {metrics}");
        else Console.WriteLine($"skipped {CurvesFigure.FileName}: no --metrics log given");
        Console.WriteLine($"report written to {output} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static void Png(string path, GrayImage image)
    {
        PngWriter.Write(path, image);
        Wrote(path, $"{image.Width}×{image.Height}");
    }

    private static void SvgFile(string path, Svg svg, string what)
    {
        svg.Write(path);
        Wrote(path, $"{svg.Width}×{svg.Height}, {what}");
    }

    private static void Wrote(string path, string what) => Console.WriteLine($"wrote {path} ({new FileInfo(path).Length / 1024.0:F1} KiB; {what})");
}
