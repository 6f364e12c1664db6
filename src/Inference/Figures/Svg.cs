using System.Globalization;
using System.Security;
using System.Text;
using VaePipeline.IO;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// A minimal SVG document builder: the handful of elements the report's figures draw, with numbers written in the
/// invariant culture (a comma decimal separator would corrupt the coordinates) and text escaped for XML.
/// </summary>
public sealed class Svg
{
    private const string FontFamily = "DejaVu Sans, Helvetica, Arial, sans-serif";
    private readonly StringBuilder _body = new();

    public Svg(int width, int height)
    {
        Width = width;
        Height = height;
    }

    public int Width { get; }
    public int Height { get; }

    public void Rect(double x, double y, double width, double height, string fill, string stroke = "none") =>
        Element($"<rect x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" fill=\"{fill}\" stroke=\"{stroke}\"/>");

    public void Line(double x1, double y1, double x2, double y2, string stroke = "black", double strokeWidth = 1) =>
        Element($"<line x1=\"{N(x1)}\" y1=\"{N(y1)}\" x2=\"{N(x2)}\" y2=\"{N(y2)}\" stroke=\"{stroke}\" stroke-width=\"{N(strokeWidth)}\"/>");

    public void Circle(double cx, double cy, double r, string fill, double opacity = 1) =>
        Element($"<circle cx=\"{N(cx)}\" cy=\"{N(cy)}\" r=\"{N(r)}\" fill=\"{fill}\" fill-opacity=\"{N(opacity)}\"/>");

    public void Polyline(IEnumerable<(double X, double Y)> points, string stroke, double strokeWidth = 1.5, string? dash = null) =>
        Element($"<polyline points=\"{string.Join(' ', points.Select(p => $"{N(p.X)},{N(p.Y)}"))}\" fill=\"none\" stroke=\"{stroke}\" " +
                $"stroke-width=\"{N(strokeWidth)}\"{(dash is null ? "" : $" stroke-dasharray=\"{dash}\"")}/>");

    /// <param name="anchor">SVG text-anchor: start, middle or end.</param>
    /// <param name="rotate">Degrees, about the anchor point (−90 for a vertical axis title).</param>
    public void Text(double x, double y, string text, double size = 12, string anchor = "start", double rotate = 0) =>
        Element($"<text x=\"{N(x)}\" y=\"{N(y)}\" font-family=\"{FontFamily}\" font-size=\"{N(size)}\" text-anchor=\"{anchor}\"" +
                $"{(rotate == 0 ? "" : $" transform=\"rotate({N(rotate)} {N(x)} {N(y)})\"")}>{SecurityElement.Escape(text)}</text>");

    /// <summary>Embeds a PNG as a data URI, so the SVG is one self-contained file. Pixelated: digits must stay crisp when scaled.</summary>
    public void Png(double x, double y, double width, double height, byte[] png) =>
        Element($"<image x=\"{N(x)}\" y=\"{N(y)}\" width=\"{N(width)}\" height=\"{N(height)}\" style=\"image-rendering:pixelated\" " +
                $"href=\"data:image/png;base64,{Convert.ToBase64String(png)}\"/>");

    public override string ToString() =>
        $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\">\n" +
        $"<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{_body}</svg>\n";

    /// <summary>Writes the document atomically.</summary>
    public void Write(string path) => AtomicFile.WriteAllText(path, ToString());

    private void Element(string element) => _body.Append(element).Append('\n');

    /// <summary>Two decimals are far below a pixel; shorter numbers keep the 10,000-point scatter small.</summary>
    private static string N(double v) => Math.Round(v, 2).ToString(CultureInfo.InvariantCulture);
}
