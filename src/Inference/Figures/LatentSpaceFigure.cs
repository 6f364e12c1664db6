using VaePipeline.Data;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// latent-space.svg: the posterior means μ(x) of test images in the 2-D latent space, one dot per image coloured by
/// its digit, showing how the encoder has arranged the classes.
/// </summary>
public static class LatentSpaceFigure
{
    public const string FileName = "latent-space.svg";

    private static readonly IReadOnlyList<string> Colours = Palette.Categorical;

    private const double Left = 70, Top = 20, PlotSize = 600, LegendWidth = 90, Bottom = 60;

    /// <summary>The first <paramref name="count"/> test images' means. Needs a 2-D latent space.</summary>
    public static Svg Draw(VaeEncoder encoder, MnistSplit test, int count)
    {
        if (encoder.LatentSize != 2) throw new InvalidOperationException($"a latent scatter needs a 2-D latent space; this encoder's is {encoder.LatentSize}-D");
        var (mean, _) = encoder.Encode(DigitTiles.Intensities(test, Enumerable.Range(0, count)));
        // One range for both axes, so distances look the same in every direction.
        var (min, max) = Scale.RoundRange(mean.Min(), mean.Max());
        var x = Scale.Linear(min, max, Left, Left + PlotSize);
        var y = Scale.Linear(min, max, Top + PlotSize, Top);

        var svg = new Svg((int)(Left + PlotSize + LegendWidth), (int)(Top + PlotSize + Bottom));
        for (int i = 0; i < count; i++)
            svg.Circle(x[mean[2 * i]], y[mean[2 * i + 1]], r: 1.6, Colours[test.Labels[i]], opacity: 0.6);
        Axes.Draw(svg, x, y, Left, Top, Left + PlotSize, Top + PlotSize, "μ₁", "μ₂");
        for (int digit = 0; digit < Colours.Count; digit++)
        {
            double rowY = Top + 10 + 20 * digit;
            svg.Rect(Left + PlotSize + 20, rowY - 9, 10, 10, Colours[digit]);
            svg.Text(Left + PlotSize + 36, rowY, digit.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return svg;
    }
}
