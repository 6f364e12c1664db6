using System.Globalization;
using System.Xml.Linq;
using VaePipeline.Tests.Cli;

namespace VaePipeline.Tests.Sweep;

/// <summary>`vae sweep`: one run folder and one table row per (β, D), a figure with one line per β per panel, and no silent overwrite.</summary>
public sealed class SweepCliTests(SweepRun run) : IClassFixture<SweepRun>
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    [Fact]
    public void Trains_one_run_folder_per_pair_and_reports_each_and_the_total()
    {
        Assert.True(run.Result.ExitCode == 0, run.Result.Error);
        foreach (string beta in SweepRun.Betas)
        foreach (int latent in SweepRun.Latents)
        {
            Assert.True(System.IO.File.Exists(Path.Combine(run.Folder, $"beta-{beta}-z{latent}", "checkpoint.json")), $"no checkpoint for β {beta}, D {latent}");
            Assert.Matches($@"β {beta.Replace(".", @"\.")} +D +{latent} +test ELBO", run.Result.Output);
        }
        Assert.Matches(@"sweep took \d+\.\d s", run.Result.Output);
    }

    [Fact]
    public void The_table_has_one_row_of_finite_numbers_per_pair()
    {
        var rows = Table();
        Assert.Equal(SweepRun.Betas.Length * SweepRun.Latents.Length, rows.Length);
        Assert.Equal(
            SweepRun.Betas.SelectMany(b => SweepRun.Latents.Select(d => (double.Parse(b, CultureInfo.InvariantCulture), (double)d))),
            rows.Select(r => (r["beta"], r["latent"])));
        Assert.All(rows, r => Assert.All(r.Values, v => Assert.True(double.IsFinite(v))));
        // The ELBO's two terms add up to it, and the KL of a Gaussian posterior from the prior is positive.
        Assert.All(rows, r => Assert.Equal(r["test_elbo"], r["test_recon"] - r["test_kl"], 1e-3));
        Assert.All(rows, r => Assert.True(r["test_kl"] > 0));
    }

    [Fact]
    public void A_heavier_kl_weight_gives_a_smaller_kl_at_every_latent_size()
    {
        var rows = Table();
        foreach (int latent in SweepRun.Latents)
        {
            double Kl(double beta) => rows.Single(r => r["beta"] == beta && r["latent"] == latent)["test_kl"];
            // β = 1 pulls the posterior towards the prior a hundred times harder than β = 0.01: here about half the KL.
            Assert.True(Kl(1) < 0.75 * Kl(0.01), $"D {latent}: KL {Kl(1):F2} at β 1 against {Kl(0.01):F2} at β 0.01");
        }
    }

    [Fact]
    public void The_figure_has_one_line_per_beta_in_each_of_three_panels_and_a_legend()
    {
        var svg = XDocument.Load(run.File("sweep.svg")).Root!;
        var lines = svg.Elements(SvgNs + "polyline").ToArray();
        Assert.Equal(3 * SweepRun.Betas.Length, lines.Length);
        Assert.All(lines, l => Assert.Equal(SweepRun.Latents.Length, ((string)l.Attribute("points")!).Split(' ').Length));
        string[] texts = [.. svg.Elements(SvgNs + "text").Select(t => t.Value)];
        Assert.All(SweepRun.Betas, b => Assert.Contains($"β = {b}", texts));
    }

    [Fact]
    public void Refuses_a_folder_that_holds_files_unless_forced()
    {
        using var dir = new TempDirectory();
        System.IO.File.WriteAllText(dir.File("notes.txt"), "keep");
        string[] sweep = ["sweep", "--betas", "1", "--latents", "2", "--epochs", "1", "--train-size", "200", "--hidden", "16", "--out", dir.Path];

        var refused = VaeProcess.Run(sweep);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("already holds files", refused.Error);
        Assert.Equal(["notes.txt"], dir.EntryNames());

        var forced = VaeProcess.Run([.. sweep, "--force"]);
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Equal(["beta-1-z2", "notes.txt", "sweep.csv", "sweep.svg"], dir.EntryNames());
    }

    private Dictionary<string, double>[] Table()
    {
        var lines = System.IO.File.ReadAllLines(run.File("sweep.csv"));
        Assert.Equal("beta,latent,test_elbo,test_recon,test_kl,train_loss,seconds", lines[0]);
        string[] header = lines[0].Split(',');
        return [.. lines.Skip(1).Select(l => header.Zip(l.Split(','), (h, v) => (Name: h, Value: double.Parse(v, CultureInfo.InvariantCulture))).ToDictionary(p => p.Name, p => p.Value))];
    }
}
