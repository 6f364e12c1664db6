using System.Globalization;

namespace VaePipeline.Inference.Figures;

/// <summary>Maps data values on one axis to SVG pixels, and says where that axis's labelled ticks go.</summary>
public sealed class Scale
{
    private readonly Func<double, double> _map;

    private Scale(Func<double, double> map, double[] ticks)
    {
        _map = map;
        Ticks = ticks;
    }

    /// <summary>Values at which the axis is ticked and labelled.</summary>
    public IReadOnlyList<double> Ticks { get; }

    public double this[double value] => _map(value);

    /// <summary>Linear from [min, max] to [from, to] (to &lt; from for a y axis, whose pixels run downwards), ticked at round steps.</summary>
    public static Scale Linear(double min, double max, double from, double to) =>
        new(v => from + (v - min) / (max - min) * (to - from), RoundTicks(min, max));

    /// <summary>Logarithmic from [min, max] (both &gt; 0) to [from, to], ticked at 1, 2 and 5 times powers of ten.</summary>
    public static Scale Log(double min, double max, double from, double to)
    {
        if (!(min > 0)) throw new ArgumentException($"a logarithmic axis needs positive values (the smallest is {min})");
        double lo = Math.Log10(min), hi = Math.Log10(max);
        var ticks = new List<double>();
        for (int power = (int)Math.Floor(lo); power <= (int)Math.Ceiling(hi); power++)
            foreach (double m in hi - lo > 2 ? [1.0] : (double[])[1, 2, 5])
                if (m * Math.Pow(10, power) is var t && t >= min * (1 - 1e-9) && t <= max * (1 + 1e-9)) ticks.Add(t);
        return new(v => from + (Math.Log10(v) - lo) / (hi - lo) * (to - from), [.. ticks]);
    }

    /// <summary>
    /// Piecewise linear through known points (ascending <paramref name="values"/> drawn at <paramref name="pixels"/>),
    /// for an axis whose values are not evenly spaced in pixels, such as the manifold's tiles at normal quantiles.
    /// </summary>
    public static Scale Through(IReadOnlyList<double> values, IReadOnlyList<double> pixels, double[] ticks)
    {
        double Map(double v)
        {
            int i = 1;
            while (i < values.Count - 1 && v > values[i]) i++;
            return pixels[i - 1] + (v - values[i - 1]) / (values[i] - values[i - 1]) * (pixels[i] - pixels[i - 1]);
        }
        return new(Map, ticks);
    }

    /// <summary>[min, max] widened to the round steps around it, so a data range becomes an axis that starts and ends on a tick.</summary>
    public static (double Min, double Max) RoundRange(double min, double max)
    {
        double step = RoundStep(min, max);
        double lo = Math.Floor(min / step) * step, hi = Math.Ceiling(max / step) * step;
        // A constant series still needs an axis with some height.
        return hi > lo ? (lo, hi) : (lo - step, hi + step);
    }

    /// <summary>A tick label: few digits, and a true minus sign.</summary>
    public static string Label(double value) =>
        (Math.Abs(value) < 1e-12 ? 0 : value).ToString("G4", CultureInfo.InvariantCulture).Replace('-', '−');

    /// <summary>The round steps (1, 2 or 5 times a power of ten) that fall inside [min, max].</summary>
    public static double[] RoundTicks(double min, double max)
    {
        double step = RoundStep(min, max);
        var ticks = new List<double>();
        for (double t = Math.Ceiling(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) ticks.Add(Math.Round(t / step) * step);
        return [.. ticks];
    }

    /// <summary>The step among 1, 2 and 5 times a power of ten that cuts the range into about five parts.</summary>
    private static double RoundStep(double min, double max)
    {
        double range = max > min ? max - min : Math.Max(Math.Abs(min), 1);
        double power = Math.Pow(10, Math.Floor(Math.Log10(range / 5)));
        return (range / power / 5) switch { < 1.5 => power, < 3.5 => 2 * power, < 7.5 => 5 * power, _ => 10 * power };
    }
}
