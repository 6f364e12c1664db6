namespace VaePipeline.Inference.Figures;

/// <summary>
/// curves.svg: training progress from metrics.csv, three panels against epoch: the ELBO (at β = 1, whatever β
/// trained), its reconstruction term E log p(x|z) and its KL term, each for the training batches (averaged over the
/// epoch) and for the test set.
/// </summary>
public static class CurvesFigure
{
    public const string FileName = "curves.svg";
    private const double PanelWidth = 320, PanelHeight = 260, Left = 70, Gap = 80, Top = 40, Bottom = 60;
    private const string TrainColour = "#4e79a7", TestColour = "#e15759";

    private sealed record Panel(string Title, double[] Train, double[] Test);

    public static Svg Draw(CsvColumns log, bool logX)
    {
        if (log.Rows < 2) throw new InvalidDataException("the metrics log has one evaluation; curves need at least two");
        double[] epoch = log["epoch"];
        Panel[] panels =
        [
            // Not −train_loss: with β ≠ 1 that is the β-weighted objective, while test_elbo is always the ELBO itself.
            new("ELBO", [.. log["train_recon"].Zip(log["train_kl"], (recon, kl) => recon - kl)], log["test_elbo"]),
            new("reconstruction E log p(x|z)", log["train_recon"], log["test_recon"]),
            new("KL(q(z|x) ‖ p(z))", log["train_kl"], log["test_kl"]),
        ];
        var svg = new Svg((int)(Left + panels.Length * (PanelWidth + Gap) - Gap + 20), (int)(Top + PanelHeight + Bottom + 20));
        for (int p = 0; p < panels.Length; p++)
        {
            double left = Left + p * (PanelWidth + Gap), right = left + PanelWidth, bottom = Top + PanelHeight;
            var x = logX ? Scale.Log(epoch.Min(), epoch.Max(), left, right) : Scale.Linear(epoch.Min(), epoch.Max(), left, right);
            var (min, max) = Scale.RoundRange(Math.Min(panels[p].Train.Min(), panels[p].Test.Min()), Math.Max(panels[p].Train.Max(), panels[p].Test.Max()));
            var y = Scale.Linear(min, max, bottom, Top);
            svg.Polyline(epoch.Select((e, i) => (x[e], y[panels[p].Train[i]])), TrainColour);
            svg.Polyline(epoch.Select((e, i) => (x[e], y[panels[p].Test[i]])), TestColour);
            Axes.Draw(svg, x, y, left, Top, right, bottom, logX ? "epoch (log scale)" : "epoch", "nats per image");
            svg.Text((left + right) / 2, Top - 12, panels[p].Title, size: 14, anchor: "middle");
        }
        double legendY = Top + PanelHeight + Bottom + 8;
        foreach (var (label, colour, offset) in new[] { ("train", TrainColour, 0.0), ("test", TestColour, 90.0) })
        {
            svg.Line(Left + offset, legendY - 4, Left + offset + 24, legendY - 4, colour, strokeWidth: 2);
            svg.Text(Left + offset + 30, legendY, label);
        }
        return svg;
    }
}
