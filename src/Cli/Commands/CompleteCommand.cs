using System.CommandLine;
using System.Diagnostics;
using VaePipeline.Data;
using VaePipeline.Inference.Completion;
using VaePipeline.Inference.Figures;
using VaePipeline.Inference.Images;
using VaePipeline.Model;
using VaePipeline.Training.Data;
using VaePipeline.Training.Onnx;

namespace VaePipeline.Cli.Commands;

/// <summary>
/// <c>vae complete</c>: fills in the bottom half of a test image by stochastic variational inference on z given its
/// top half (Kingma &amp; Welling's issue-4 figure 7), from the decoder of an exported ONNX pair.
/// </summary>
internal static class CompleteCommand
{
    private static readonly Option<string> ModelDir = new("--model-dir")
    {
        Description = $"Folder holding {OnnxContract.DecoderFile} (written by 'vae export'); its weights are read from the initializers.",
        HelpName = "DIR",
        DefaultValueFactory = _ => "onnx",
    };
    private static readonly Option<int> Image = new("--image") { Description = "Index of the MNIST test image to complete.", HelpName = "INDEX", DefaultValueFactory = _ => 0 };
    private static readonly Option<string> Out = new("--out", "-o") { Description = "Folder for the figures.", HelpName = "DIR", DefaultValueFactory = _ => "completion" };
    private static readonly Option<string?> Data = DataOptions.Data();
    private static readonly Option<bool> Force = new("--force") { Description = "Write into an output folder that already holds files, replacing them." };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Seed for the SVI noise and the completions' z.", DefaultValueFactory = _ => 1UL };
    private static readonly Option<int> Samples = new("--samples") { Description = "Draws of z per SVI iteration (K).", HelpName = "K", DefaultValueFactory = _ => 10 };
    private static readonly Option<int> Iterations = new("--iterations") { Description = "SVI iterations (Adam steps).", HelpName = "N", DefaultValueFactory = _ => 200 };
    private static readonly Option<double> LearningRate = new("--lr") { Description = "Adam's step size.", DefaultValueFactory = _ => 1e-2 };

    /// <summary>K&amp;W's starting point, away from the posterior so that the fit has somewhere to go.</summary>
    private static DiagonalGaussian Start => new([2, -2], [0.5, 0]);

    public static Command Create()
    {
        var command = new Command("complete",
            "Complete a test image's bottom half from its top half: fit q(z) = N(m, diag(exp(2s))) to p(z | x_top) by SVI through the " +
            "decoder, then draw the posterior's contours, the ELBO per iteration and the completions.")
        {
            ModelDir, Image, Out, Data, Force, Seed, Samples, Iterations, LearningRate,
        };
        command.SetAction((parse, cancellation) => CommandErrors.Run(() => Complete(parse, cancellation)));
        return command;
    }

    private static async Task<int> Complete(ParseResult parse, CancellationToken cancellation)
    {
        var clock = Stopwatch.StartNew();
        string decoderPath = CommandFolders.ExportedModel(parse.GetValue(ModelDir)!, OnnxContract.DecoderFile), output = parse.GetValue(Out)!;
        CommandFolders.RequireEmptyUnlessForced(output, parse.GetValue(Force));
        var weights = OnnxDecoderWeights.Read(decoderPath);
        if (weights.Config.Latent != 2 || weights.Config.Likelihood != Likelihood.Bernoulli || weights.Config.Input != MnistSplit.PixelsPerImage)
            throw new ArgumentException($"{decoderPath} is not a 2-D-latent Bernoulli MNIST decoder; the completion figure needs one");
        var options = new SviOptions(parse.GetValue(Samples), parse.GetValue(LearningRate), parse.GetValue(Iterations), parse.GetValue(Seed));

        var (_, test) = await DataOptions.Load(parse.GetValue(Data), cancellation);
        int index = parse.GetValue(Image);
        if (index < 0 || index >= test.Count) throw new ArgumentException($"--image must be 0 to {test.Count - 1:N0} (got {index})");
        var x = new float[MnistSplit.PixelsPerImage];
        // Binarized as the decoder's training binarized: the likelihood scores the same kind of x it was fitted to.
        new PixelEncoder(weights.Config.Binarization, options.Seed).Fill(test, [index], 0, x);
        var posterior = new TopHalfPosterior(new LatentDecoder(weights), x, MnistSplit.Width);

        var fit = GaussianSvi.Fit(posterior, Start, options);
        Console.WriteLine($"test image {index}: ELBO {fit.Elbo[0]:F2} at the first iteration, {fit.Elbo[^1]:F2} at the last; " +
                          $"q = N(({fit.Fitted.Mean[0]:F3}, {fit.Fitted.Mean[1]:F3}), diag({Math.Exp(fit.Fitted.LogSigma[0]):F3}², {Math.Exp(fit.Fitted.LogSigma[1]):F3}²)); " +
                          $"log p(m, x_top) {posterior.LogJoint(Start.Mean):F2} → {posterior.LogJoint(fit.Fitted.Mean):F2}");
        Directory.CreateDirectory(output);
        string Target(string name) => Path.Combine(output, name);
        var image = CompletionFigure.Draw(test.Image(index), posterior, fit.Fitted, options.Seed);
        PngWriter.Write(Target(CompletionFigure.FileName), image);
        Console.WriteLine($"wrote {Target(CompletionFigure.FileName)} ({image.Width}×{image.Height})");
        foreach (var (name, svg) in new[] { (CompletionContoursFigure.FileName, CompletionContoursFigure.Draw(posterior, fit)), (CompletionElboFigure.FileName, CompletionElboFigure.Draw(fit.Elbo)) })
        {
            svg.Write(Target(name));
            Console.WriteLine($"wrote {Target(name)} ({svg.Width}×{svg.Height})");
        }
        Console.WriteLine($"completion written to {output} in {clock.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
