using System.Globalization;
using System.Text.RegularExpressions;
using VaePipeline.Tests.Cli;
using VaePipeline.Tests.Images;

namespace VaePipeline.Tests.Samples;

/// <summary>
/// The downstream-pipeline sample, run as a user runs it on the 10,000 MNIST test PNGs and the committed model: a stock
/// ML.NET classifier and k-means on the 2-D latents must do far better than chance, and the decoded centroids are ten
/// digit-like tiles.
/// </summary>
public sealed class MnistLatentsSampleTests(MnistPngFolder png) : IClassFixture<MnistPngFolder>
{
    [Fact]
    public void Sample_classifies_and_clusters_the_latents_and_draws_the_centroids()
    {
        using var dir = new TempDirectory();
        var result = BuiltProgram.Run("samples/MnistLatents", "MnistLatents", png.Images, Path.Combine(SharedData.RepositoryRoot, "onnx"), dir.Path);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Contains("10,000 images", result.Output);

        // Ten balanced classes: chance is 0.1 accuracy and 0 mutual information. A 2-D K&W latent space separates the
        // digits only in part (4/9 and 3/5/8 overlap), so the bounds are far above chance, not near 1.
        Assert.InRange(Number(result.Output, @"accuracy (\d\.\d+)"), 0.6, 1.0);
        Assert.InRange(Number(result.Output, @"normalized mutual information with the labels (\d\.\d+)"), 0.4, 1.0);

        var (width, height, pixels) = TestImages.Decode(File.ReadAllBytes(dir.File("centroids.png")));
        Assert.Equal((10 * 28 + 9 * 2, 28), (width, height));
        for (int tile = 0; tile < 10; tile++)
        {
            var levels = Enumerable.Range(0, 28 * 28).Select(p => pixels[p / 28 * width + tile * 30 + p % 28]).ToArray();
            Assert.True(levels.Max() > 200 && levels.Count(v => v < 30) > 28 * 28 / 2, $"centroid {tile} is not a bright digit on black");
        }
    }

    private static double Number(string output, string pattern)
    {
        var match = Regex.Match(output, pattern);
        Assert.True(match.Success, $"no '{pattern}' in:\n{output}");
        return double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
