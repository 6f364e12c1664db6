using System.CommandLine;
using System.Diagnostics;
using VaePipeline.Inference.Completion;
using VaePipeline.Model;

namespace VaePipeline.Cli.Commands;

/// <summary>
/// <c>vae complete</c>: fills in the bottom half of a test image by stochastic variational inference on z given its
/// top half (Kingma &amp; Welling's figure 7), from the decoder of an exported ONNX pair. <c>vae report</c> draws the
/// same figure among the others; this command is for trying other images and SVI settings.
/// </summary>
internal static class CompleteCommand
{
    private static readonly Option<string> ModelDir = new("--model-dir")
    {
        Description = $"Folder holding {OnnxContract.DecoderFile} (written by 'vae export'); its weights are read from the initializers.",
        HelpName = "DIR",
        DefaultValueFactory = _ => "onnx",
    };
    private static readonly CompletionFigures Completion = new("--image", sviPrefix: "--");
    private static readonly Option<string> Out = new("--out", "-o") { Description = "Folder for the figures.", HelpName = "DIR", DefaultValueFactory = _ => "completion" };
    private static readonly Option<string?> Data = DataOptions.Data();
    private static readonly Option<bool> Force = new("--force") { Description = "Write into an output folder that already holds files, replacing them." };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Seed for the SVI noise and the completions' z.", DefaultValueFactory = _ => 1UL };

    public static Command Create()
    {
        var command = new Command("complete",
            "Complete a test image's bottom half from its top half: fit q(z) = N(m, diag(exp(2s))) to p(z | x_top) by SVI through the " +
            "decoder, then draw the posterior's contours, the ELBO per iteration and the completions.")
        {
            ModelDir, Out, Data, Force, Seed,
        };
        foreach (var option in Completion.Options) command.Options.Add(option);
        command.SetAction((parse, cancellation) => CommandErrors.Run(() => Complete(parse, cancellation)));
        return command;
    }

    private static async Task<int> Complete(ParseResult parse, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string decoderPath = CommandFolders.ExportedModel(parse.GetValue(ModelDir)!, OnnxContract.DecoderFile), output = parse.GetValue(Out)!;
        CommandFolders.RequireEmptyUnlessForced(output, parse.GetValue(Force));
        var weights = OnnxDecoderWeights.Read(decoderPath);
        if (!CompletionFigures.Supports(weights.Config))
            throw new ArgumentException($"{decoderPath} is not a 2-D-latent Bernoulli MNIST decoder; the completion figure needs one");

        var (_, test) = await DataOptions.Load(parse.GetValue(Data), cancellation);
        var (image, svi) = Completion.Read(parse, test, parse.GetValue(Seed));
        CompletionFigures.Write(weights, test, image, svi, new FigureFolder(output));
        Console.WriteLine($"completion written to {output} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
