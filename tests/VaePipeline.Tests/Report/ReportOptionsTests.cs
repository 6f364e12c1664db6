using System.Xml.Linq;
using VaePipeline.Tests.Cli;
using VaePipeline.Tests.Images;

namespace VaePipeline.Tests.Report;

/// <summary>`vae report`'s options: the quantile manifold, the logarithmic epoch axis, and refusing to overwrite.</summary>
public class ReportOptionsTests
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    [Fact]
    public void Quantile_manifold_is_20_by_20_and_a_log_axis_ticks_powers_of_ten()
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("metrics.csv"), ReportRun.MetricsRows);
        string output = dir.File("report");

        var result = VaeProcess.Run("report", "--model-dir", ReportRun.ModelDir, "--out", output, "--scatter-images", "50",
            "--manifold-quantiles", "--metrics", dir.File("metrics.csv"), "--log-x");

        Assert.True(result.ExitCode == 0, result.Error);
        var (width, height, _) = TestImages.Decode(File.ReadAllBytes(Path.Combine(output, "manifold.png")));
        Assert.Equal((20 * 28, 20 * 28), (width, height));
        // The quantile grid spans ±Φ⁻¹(0.975) = ±1.96, so its round ticks are −1, 0 and 1.
        string[] labels = [.. XDocument.Load(Path.Combine(output, "manifold.svg")).Root!.Elements(SvgNs + "text").Select(t => t.Value)];
        Assert.Equal(["−1", "0", "1", "−1", "0", "1", "z₁", "z₂"], labels);
        string[] curveLabels = [.. XDocument.Load(Path.Combine(output, "curves.svg")).Root!.Elements(SvgNs + "text").Select(t => t.Value)];
        Assert.Contains("epoch (log scale)", curveLabels);
        Assert.Equal(3, curveLabels.Count(l => l == "2")); // epochs 1, 2 (and no 1.5) on each panel's log axis
        Assert.DoesNotContain("1.5", curveLabels);
    }

    [Fact]
    public void A_folder_with_files_is_refused_without_force_and_left_alone()
    {
        using var dir = new TempDirectory();
        string output = dir.File("report");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, "samples.png"), "mine");

        var refused = VaeProcess.Run("report", "--model-dir", ReportRun.ModelDir, "--out", output, "--scatter-images", "50");

        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("--force", refused.Error);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(output, "samples.png")));

        var forced = VaeProcess.Run("report", "--model-dir", ReportRun.ModelDir, "--out", output, "--scatter-images", "50", "--force");

        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Contains("skipped curves.svg: no --metrics log given", forced.Output);
        Assert.Contains("skipped sweep.svg: no --sweep table given", forced.Output);
        Assert.Equal(9, Directory.GetFiles(output).Length);
    }

    [Theory]
    [InlineData("--completion-image", "10000", "--completion-image must be 0 to 9,999")]
    [InlineData("--svi-iterations", "0", "--svi-iterations must be at least 1")]
    [InlineData("--sweep", "sweep.csv", "latent 0 is not a positive whole number")]
    [InlineData("--metrics", "missing.csv", "there is no metrics log")]
    [InlineData("--metrics", "one-row.csv", "curves need at least two")]
    public void Bad_input_is_refused_before_any_figure_is_written(string option, string value, string error)
    {
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("sweep.csv"), ["beta,latent,test_elbo,test_recon,test_kl", "1,0,-160,-150,10"]);
        File.WriteAllLines(dir.File("one-row.csv"), ReportRun.MetricsRows[..2]);
        string output = dir.File("report");
        if (value.EndsWith(".csv")) value = dir.File(value);

        var result = VaeProcess.Run("report", "--model-dir", ReportRun.ModelDir, "--out", output, "--scatter-images", "50", option, value);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(error, result.Error);
        Assert.False(Directory.Exists(output), $"{output} was created");
    }
}
