using System.Globalization;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// sweep.svg: a β × latent-size sweep, three panels against D (log scale): the test ELBO at β = 1, its reconstruction
/// term and its KL term, one line per β with a dot at each run, and a legend of the βs.
/// </summary>
public static class SweepFigure
{
    public const string FileName = "sweep.svg";
    private const double PanelWidth = 320, PanelHeight = 260, Left = 70, Gap = 80, Top = 40, Bottom = 60;

    /// <summary>One run's test scores, in nats per image.</summary>
    public readonly record struct Point(double Beta, int Latent, double Elbo, double Reconstruction, double Kl);

    /// <summary>The runs of a sweep.csv written by <c>vae sweep</c> (columns beta, latent, test_elbo, test_recon, test_kl).</summary>
    public static Point[] Points(CsvColumns sweep)
    {
        double[] beta = sweep["beta"], latent = sweep["latent"], elbo = sweep["test_elbo"], recon = sweep["test_recon"], kl = sweep["test_kl"];
        int bad = Array.FindIndex(latent, d => d < 1 || d != Math.Floor(d));
        if (bad >= 0) throw new InvalidDataException($"sweep row {bad + 1}: latent {latent[bad]} is not a positive whole number");
        return [.. Enumerable.Range(0, sweep.Rows).Select(i => new Point(beta[i], (int)latent[i], elbo[i], recon[i], kl[i]))];
    }

    public static Svg Draw(IReadOnlyList<Point> points)
    {
        if (points.Count == 0) throw new ArgumentException("a sweep figure needs at least one run");
        double[] betas = [.. points.Select(p => p.Beta).Distinct().Order()];
        if (betas.Length > Palette.Categorical.Count) throw new ArgumentException($"a sweep figure tells at most {Palette.Categorical.Count} βs apart (got {betas.Length})");
        (string Title, Func<Point, double> Value)[] panels =
        [
            ("test ELBO (β = 1)", p => p.Elbo),
            ("reconstruction E log p(x|z)", p => p.Reconstruction),
            ("KL(q(z|x) ‖ p(z))", p => p.Kl),
        ];
        // A single latent size still needs an axis with some width around it.
        int minD = points.Min(p => p.Latent), maxD = points.Max(p => p.Latent);
        var (xMin, xMax) = minD < maxD ? (minD, maxD) : (minD / 2.0, maxD * 2.0);
        var svg = new Svg((int)(Left + panels.Length * (PanelWidth + Gap) - Gap + 20), (int)(Top + PanelHeight + Bottom + 20));
        for (int p = 0; p < panels.Length; p++)
        {
            double left = Left + p * (PanelWidth + Gap), right = left + PanelWidth, bottom = Top + PanelHeight;
            var x = Scale.Log(xMin, xMax, left, right);
            var (min, max) = Scale.RoundRange(points.Min(panels[p].Value), points.Max(panels[p].Value));
            var y = Scale.Linear(min, max, bottom, Top);
            for (int b = 0; b < betas.Length; b++)
            {
                var line = points.Where(q => q.Beta == betas[b]).OrderBy(q => q.Latent).Select(q => (x[q.Latent], y[panels[p].Value(q)])).ToArray();
                svg.Polyline(line, Palette.Categorical[b]);
                foreach (var (px, py) in line) svg.Circle(px, py, r: 3, Palette.Categorical[b]);
            }
            Axes.Draw(svg, x, y, left, Top, right, bottom, "latent size D (log scale)", "nats per image");
            svg.Text((left + right) / 2, Top - 12, panels[p].Title, size: 14, anchor: "middle");
        }
        double legendY = Top + PanelHeight + Bottom + 8;
        for (int b = 0; b < betas.Length; b++)
        {
            double offset = b * 110;
            svg.Line(Left + offset, legendY - 4, Left + offset + 24, legendY - 4, Palette.Categorical[b], strokeWidth: 2);
            svg.Text(Left + offset + 30, legendY, string.Create(CultureInfo.InvariantCulture, $"β = {betas[b]:G4}"));
        }
        return svg;
    }
}
