using System.CommandLine;
using VaePipeline.Data;
using VaePipeline.Inference.Completion;
using VaePipeline.Inference.Figures;
using VaePipeline.Model;

namespace VaePipeline.Cli.Commands;

/// <summary>
/// The top-half completion (Kingma &amp; Welling's figure 7) for one test image: fits q(z) to p(z | x_top) by SVI
/// through the decoder and writes completion.png, completion-contours.svg and completion-elbo.svg. Shared by
/// <c>vae complete</c>, which is about this figure alone, and <c>vae report</c>, which draws it among the others.
/// </summary>
internal sealed class CompletionFigures
{
    /// <summary>K&amp;W's starting point, away from the posterior so that the fit has somewhere to go.</summary>
    private static DiagonalGaussian Start => new([2, -2], [0.5, 0]);

    private readonly Option<int> _image, _samples, _iterations;
    private readonly Option<double> _learningRate;

    /// <param name="imageOption">The option naming the test image.</param>
    /// <param name="sviPrefix">Prefix of the SVI options: <c>--</c> where completion is the whole command, <c>--svi-</c>
    /// among the report's options, where a bare <c>--samples</c> would read as the prior samples' count.</param>
    public CompletionFigures(string imageOption, string sviPrefix)
    {
        _image = new(imageOption) { Description = "Index of the MNIST test image whose bottom half is completed.", HelpName = "INDEX", DefaultValueFactory = _ => 0 };
        _samples = new($"{sviPrefix}samples") { Description = "Draws of z per SVI iteration (K).", HelpName = "K", DefaultValueFactory = _ => 10 };
        _iterations = new($"{sviPrefix}iterations") { Description = "SVI iterations (Adam steps).", HelpName = "N", DefaultValueFactory = _ => 200 };
        _learningRate = new($"{sviPrefix}lr") { Description = "Adam's step size for the SVI fit.", DefaultValueFactory = _ => 1e-2 };
    }

    public IEnumerable<Option> Options => [_image, _samples, _iterations, _learningRate];

    /// <summary>Whether a decoder can draw this figure: the contours need a 2-D latent space, the likelihood Bernoulli pixels of MNIST's size.</summary>
    public static bool Supports(VaeConfig config) =>
        config.Latent == 2 && config.Likelihood == Likelihood.Bernoulli && config.Input == MnistSplit.PixelsPerImage;

    /// <summary>The test image and SVI settings the options ask for, checked before anything is drawn.</summary>
    /// <exception cref="ArgumentException">The image index is outside the test set, or an SVI setting is out of range.</exception>
    public (int Image, SviOptions Svi) Read(ParseResult parse, MnistSplit test, ulong seed)
    {
        int index = parse.GetValue(_image);
        if (index < 0 || index >= test.Count) throw new ArgumentException($"{_image.Name} must be 0 to {test.Count - 1:N0} (got {index})");
        var options = new SviOptions(parse.GetValue(_samples), parse.GetValue(_learningRate), parse.GetValue(_iterations), seed);
        if (options.Samples < 1) throw new ArgumentException($"{_samples.Name} must be at least 1 (got {options.Samples})");
        if (options.Iterations < 1) throw new ArgumentException($"{_iterations.Name} must be at least 1 (got {options.Iterations})");
        if (!(options.LearningRate > 0) || !double.IsFinite(options.LearningRate)) throw new ArgumentException($"{_learningRate.Name} must be a positive number (got {options.LearningRate})");
        return (index, options);
    }

    public static void Write(DecoderWeights weights, MnistSplit test, int index, SviOptions options, FigureFolder output)
    {
        var x = new float[MnistSplit.PixelsPerImage];
        // Binarized as the decoder's training binarized: the likelihood scores the same kind of x it was fitted to.
        new PixelEncoder(weights.Config.Binarization, options.Seed).Fill(test, [index], 0, x);
        var posterior = new TopHalfPosterior(new LatentDecoder(weights), x, MnistSplit.Width);
        var fit = GaussianSvi.Fit(posterior, Start, options);
        Console.WriteLine($"completion of test image {index}: ELBO {fit.Elbo[0]:F2} at the first iteration, {fit.Elbo[^1]:F2} at the last; " +
                          $"q = N(({fit.Fitted.Mean[0]:F3}, {fit.Fitted.Mean[1]:F3}), diag({Math.Exp(fit.Fitted.LogSigma[0]):F3}², {Math.Exp(fit.Fitted.LogSigma[1]):F3}²)); " +
                          $"log p(m, x_top) {posterior.LogJoint(Start.Mean):F2} → {posterior.LogJoint(fit.Fitted.Mean):F2}");

        output.Png(CompletionFigure.FileName, CompletionFigure.Draw(test.Image(index), posterior, fit.Fitted, options.Seed), $"test image {index} and its completions");
        output.Svg(CompletionContoursFigure.FileName, CompletionContoursFigure.Draw(posterior, fit), "p(z, x_top) and q before and after");
        output.Svg(CompletionElboFigure.FileName, CompletionElboFigure.Draw(fit.Elbo), $"{options.Iterations} SVI iterations");
    }
}
