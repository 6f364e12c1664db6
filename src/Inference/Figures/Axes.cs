namespace VaePipeline.Inference.Figures;

/// <summary>A plot frame with ticks, tick labels and axis titles, drawn around the rectangle two scales span.</summary>
public static class Axes
{
    private const double TickLength = 5;

    /// <summary>Draws the frame [left, right] × [top, bottom] and both axes' ticks and titles.</summary>
    public static void Draw(Svg svg, Scale x, Scale y, double left, double top, double right, double bottom, string xTitle, string yTitle)
    {
        svg.Rect(left, top, right - left, bottom - top, fill: "none", stroke: "black");
        foreach (double t in x.Ticks)
        {
            svg.Line(x[t], bottom, x[t], bottom + TickLength);
            svg.Text(x[t], bottom + TickLength + 13, Scale.Label(t), size: 11, anchor: "middle");
        }
        foreach (double t in y.Ticks)
        {
            svg.Line(left - TickLength, y[t], left, y[t]);
            svg.Text(left - TickLength - 3, y[t] + 4, Scale.Label(t), size: 11, anchor: "end");
        }
        svg.Text((left + right) / 2, bottom + TickLength + 32, xTitle, size: 13, anchor: "middle");
        svg.Text(left - 42, (top + bottom) / 2, yTitle, size: 13, anchor: "middle", rotate: -90);
    }
}
