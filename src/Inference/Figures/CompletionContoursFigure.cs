using VaePipeline.Inference.Completion;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// completion-contours.svg: over [−3, 3]², contours of the true unnormalised log posterior log p(z, x_top), of log q
/// before fitting and of log q after, each at its maximum on the grid minus 0.5, 2, 4.5, 8 and 12.5 nats (1 to 5 σ for a
/// Gaussian), so the three shapes compare whatever their normalisation.
/// </summary>
public static class CompletionContoursFigure
{
    public const string FileName = "completion-contours.svg";
    public const double Extent = 3;
    private const int Cells = 60;
    private const double Size = 420, Left = 70, Top = 40, LegendWidth = 230;
    private static readonly double[] Drops = [0.5, 2, 4.5, 8, 12.5];

    public static Svg Draw(TopHalfPosterior posterior, SviFit fit)
    {
        var svg = new Svg((int)(Left + Size + LegendWidth), (int)(Top + Size + 60));
        var x = Scale.Linear(-Extent, Extent, Left, Left + Size);
        var y = Scale.Linear(-Extent, Extent, Top + Size, Top);
        (string Label, string Colour, Func<double[], double> LogDensity)[] fields =
        [
            ("log p(z, x_top)", "#333333", z => posterior.LogJoint(z)),
            ("log q before fitting", "#4e79a7", z => fit.Initial.LogDensity(z)),
            ("log q after fitting", "#e15759", z => fit.Fitted.LogDensity(z)),
        ];
        for (int f = 0; f < fields.Length; f++)
        {
            var values = Grid(fields[f].LogDensity);
            double max = values.Cast<double>().Max();
            foreach (double drop in Drops)
                foreach (var (from, to) in MarchingSquares.Segments(values, max - drop))
                    svg.Line(x[At(from.I)], y[At(from.J)], x[At(to.I)], y[At(to.J)], fields[f].Colour, strokeWidth: 1.5);
            double legendY = Top + 20 + 24 * f;
            svg.Line(Left + Size + 20, legendY - 4, Left + Size + 44, legendY - 4, fields[f].Colour, strokeWidth: 2);
            svg.Text(Left + Size + 50, legendY, fields[f].Label);
        }
        svg.Text(Left + Size + 20, Top + 20 + 24 * fields.Length + 10, "levels: max − 0.5, 2, 4.5, 8, 12.5 nats", size: 11);
        Axes.Draw(svg, x, y, Left, Top, Left + Size, Top + Size, "z₁", "z₂");
        svg.Text(Left + Size / 2, Top - 14, "posterior of z given the top half", size: 14, anchor: "middle");
        return svg;
    }

    private static double At(double index) => -Extent + index * (2 * Extent / Cells);

    private static double[,] Grid(Func<double[], double> f)
    {
        var values = new double[Cells + 1, Cells + 1];
        for (int i = 0; i <= Cells; i++)
            for (int j = 0; j <= Cells; j++)
                values[i, j] = f([At(i), At(j)]);
        return values;
    }
}
