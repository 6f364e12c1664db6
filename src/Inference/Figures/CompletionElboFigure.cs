namespace VaePipeline.Inference.Figures;

/// <summary>completion-elbo.svg: the SVI objective's estimate at every iteration.</summary>
public static class CompletionElboFigure
{
    public const string FileName = "completion-elbo.svg";
    private const double Width = 420, Height = 260, Left = 80, Top = 40, Bottom = 60;

    public static Svg Draw(double[] elbo)
    {
        var svg = new Svg((int)(Left + Width + 20), (int)(Top + Height + Bottom));
        var x = Scale.Linear(1, elbo.Length, Left, Left + Width);
        var (min, max) = Scale.RoundRange(elbo.Min(), elbo.Max());
        var y = Scale.Linear(min, max, Top + Height, Top);
        svg.Polyline(elbo.Select((v, i) => (x[i + 1], y[v])), "#e15759");
        Axes.Draw(svg, x, y, Left, Top, Left + Width, Top + Height, "iteration", "ELBO estimate (nats)");
        svg.Text(Left + Width / 2, Top - 14, "SVI objective E_q log p(z, x_top) + H(q)", size: 14, anchor: "middle");
        return svg;
    }
}
