using System.Xml.Linq;
using VaePipeline.Tests.Cli;
using VaePipeline.Tests.Images;
using VaePipeline.Tests.Report;

namespace VaePipeline.Tests.Svi;

public class CompleteCliTests
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";
    private const int Tile = 28, Gap = 2, Columns = 7;

    [Fact]
    public void Writes_the_completion_figures_from_the_reference_onnx_pair()
    {
        using var dir = new TempDirectory();
        string output = dir.File("completion");
        var result = VaeProcess.Run("complete", "--model-dir", ReportRun.ModelDir, "--out", output, "--image", "0");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal(["completion-contours.svg", "completion-elbo.svg", "completion.png"], Directory.GetFiles(output).Select(Path.GetFileName).Order());
        Assert.Matches(@"ELBO -\d+\.\d\d at the first iteration, -\d+\.\d\d at the last", result.Output);

        var (width, height, pixels) = TestImages.Decode(File.ReadAllBytes(Path.Combine(output, "completion.png")));
        Assert.Equal((Columns * (Tile + Gap) - Gap, Tile), (width, height));
        byte[][] tiles = [.. Enumerable.Range(0, Columns).Select(c => Enumerable.Range(0, Tile * Tile).Select(p => pixels[p / Tile * width + c * (Tile + Gap) + p % Tile]).ToArray())];
        Assert.Equal(Training.Mnist.Test.Image(0).ToArray(), tiles[0]);
        Assert.All(tiles[2..], t => Assert.Equal(tiles[0][..(14 * Tile)], t[..(14 * Tile)])); // the observed half is kept…
        Assert.All(tiles[2..], t => Assert.Contains(t[(14 * Tile)..], level => level > 128)); // …and ink is drawn below it

        var contours = XDocument.Load(Path.Combine(output, "completion-contours.svg")).Root!;
        var colours = contours.Elements(SvgNs + "line").Select(l => (string)l.Attribute("stroke")!).Distinct().ToArray();
        Assert.Contains("#333333", colours);
        Assert.Contains("#4e79a7", colours);
        Assert.Contains("#e15759", colours);
        var elbo = XDocument.Load(Path.Combine(output, "completion-elbo.svg")).Root!;
        Assert.Equal(200, ((string)Assert.Single(elbo.Elements(SvgNs + "polyline")).Attribute("points")!).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Refuses_an_image_index_outside_the_test_set()
    {
        using var dir = new TempDirectory();
        var result = VaeProcess.Run("complete", "--model-dir", ReportRun.ModelDir, "--out", dir.File("c"), "--image", "10000");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--image must be 0 to 9,999", result.Error);
    }
}
