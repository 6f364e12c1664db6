using System.CommandLine;
using System.Diagnostics;
using VaePipeline.IO;
using VaePipeline.Inference.Completion;
using VaePipeline.Inference.Figures;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae report</c>: every figure of the VAE write-ups (samples, reconstructions, manifold, completion, …) from an exported ONNX pair.</summary>
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
    private static readonly Option<Spelled<InferenceDevice>> Device = DeviceOption.Create();
    private static readonly Option<bool> Force = new("--force") { Description = "Write into an output folder that already holds files, replacing them." };
    private static readonly Option<ulong> Seed = new("--seed")
    {
        Description = "Seed for the prior draws, the binary samples, the reconstructions' z and the completion's SVI noise.",
        DefaultValueFactory = _ => 1UL,
    };
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
    private static readonly CompletionFigures Completion = new("--completion-image", sviPrefix: "--svi-");
    private static readonly Option<string?> Metrics = new("--metrics") { Description = "A training run's metrics.csv, for curves.svg.", HelpName = "FILE" };
    private static readonly Option<bool> LogX = new("--log-x") { Description = "Epochs on a logarithmic axis in curves.svg." };
    private static readonly Option<string?> Sweep = new("--sweep") { Description = "A sweep.csv written by 'vae sweep', redrawn as sweep.svg.", HelpName = "FILE" };

    public static Command Create()
    {
        var command = new Command("report",
            "Draw the figures of the VAE write-ups from an exported encoder/decoder pair: samples, reconstructions, interpolations, " +
            "the 2-D manifold, the test set's latent space, the top-half completion and, given --metrics and --sweep, the training " +
            "curves and the β × latent-size sweep.")
        {
            ModelDir, Out, Data, Device, Force, Seed, Quantiles, ScatterImages, Metrics, LogX, Sweep,
        };
        foreach (var option in Completion.Options) command.Options.Add(option);
        command.SetAction((parse, cancellation) => CommandErrors.Run(() => Report(parse, cancellation)));
        return command;
    }

    private static async Task<int> Report(ParseResult parse, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string models = parse.GetValue(ModelDir)!, output = parse.GetValue(Out)!;
        string encoderPath = CommandFolders.ExportedModel(models, OnnxContract.EncoderFile);
        string decoderPath = CommandFolders.ExportedModel(models, OnnxContract.DecoderFile);
        // The log figures are drawn before anything is written, so that a bad log stops the report with nothing on disk.
        string? metricsPath = parse.GetValue(Metrics), sweepPath = parse.GetValue(Sweep);
        var curves = metricsPath is null ? null : CurvesFigure.Draw(CsvColumns.Read(RequireFile(metricsPath, "metrics log")), parse.GetValue(LogX));
        var sweep = sweepPath is null ? null : SweepFigure.Points(CsvColumns.Read(RequireFile(sweepPath, "sweep table")));
        var sweepFigure = sweep is null ? null : SweepFigure.Draw(sweep);
        CommandFolders.RequireEmptyUnlessForced(output, parse.GetValue(Force));
        int scatterImages = parse.GetValue(ScatterImages);
        ulong seed = parse.GetValue(Seed);

        var (train, test) = await DataOptions.Load(parse.GetValue(Data), cancellation);
        if (scatterImages < 1 || scatterImages > test.Count) throw new ArgumentException($"--scatter-images must be 1 to {test.Count:N0} (got {scatterImages})");
        var (completionImage, svi) = Completion.Read(parse, test, seed);
        var inference = DeviceOption.Read(parse, Device);
        using var encoder = VaeEncoder.Open(encoderPath, inference);
        using var decoder = VaeDecoder.Open(decoderPath, inference);
        if (decoder.PixelCount != DigitTiles.Side * DigitTiles.Side || decoder.LatentSize != encoder.LatentSize)
            throw new InvalidDataException($"{models} does not hold a matching MNIST encoder/decoder pair");
        // The completion's SVI differentiates the decoder in double precision, so it reads the weights, not a session.
        var weights = OnnxDecoderWeights.Read(decoderPath);
        var folder = new FigureFolder(output);

        folder.Png(SamplesFigure.FileName, SamplesFigure.Draw(decoder, seed));
        folder.Png(ReconstructionsFigure.FileName, ReconstructionsFigure.Draw(encoder, decoder, test, seed));
        folder.Png(InterpolationsFigure.FileName, InterpolationsFigure.Draw(encoder, decoder, train, test));
        if (decoder.LatentSize == 2)
        {
            var grid = parse.GetValue(Quantiles) ? ManifoldGrid.Quantiles(20) : ManifoldGrid.Even(decoder, 30, 2f);
            byte[] png = ManifoldFigure.Draw(decoder, grid);
            AtomicFile.Write(folder.Target(ManifoldFigure.PngFileName), stream => stream.Write(png));
            folder.Wrote(ManifoldFigure.PngFileName, grid.Description);
            folder.Svg(ManifoldFigure.SvgFileName, ManifoldFigure.Frame(grid, png), grid.Description);
            folder.Svg(LatentSpaceFigure.FileName, LatentSpaceFigure.Draw(encoder, test, scatterImages), $"{scatterImages:N0} test images");
        }
        else Console.WriteLine($"skipped {ManifoldFigure.SvgFileName} and {LatentSpaceFigure.FileName}: they need a 2-D latent space, and this model's is {decoder.LatentSize}-D");

        if (CompletionFigures.Supports(weights.Config)) CompletionFigures.Write(weights, test, completionImage, svi, folder);
        else Console.WriteLine($"skipped the completion figures: they need a 2-D-latent Bernoulli decoder");

        if (curves is not null) folder.Svg(CurvesFigure.FileName, curves, $"from {metricsPath}");
        else Console.WriteLine($"skipped {CurvesFigure.FileName}: no --metrics log given");
        if (sweepFigure is not null) folder.Svg(SweepFigure.FileName, sweepFigure, $"{sweep!.Length} runs from {sweepPath}");
        else Console.WriteLine($"skipped {SweepFigure.FileName}: no --sweep table given");
        Console.WriteLine($"report written to {output} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }

    private static string RequireFile(string path, string what) => File.Exists(path) ? path : throw new FileNotFoundException($"there is no {what} {path}");
}
