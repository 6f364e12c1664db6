using VaePipeline.Inference.Onnx;
using VaePipeline.Inference.Images;

namespace VaePipeline.Inference.Figures;

/// <summary>
/// manifold.png and manifold.svg: the decoder's means over a grid of the 2-D latent space, tiled without gaps into one
/// picture, and that picture in a frame whose axes give z₁ (across) and z₂ (up) at the tiles' centres.
/// </summary>
public static class ManifoldFigure
{
    public const string PngFileName = "manifold.png";
    public const string SvgFileName = "manifold.svg";
    private const double Left = 70, Top = 20, Right = 20, Bottom = 60;

    /// <summary>The mosaic, encoded as PNG.</summary>
    public static byte[] Draw(VaeDecoder decoder, ManifoldGrid grid)
    {
        byte[] levels = GrayLevels.FromIntensities(decoder.Decode(grid.Latents));
        return PngWriter.Encode(Mosaic.Tile(levels, DigitTiles.Side, DigitTiles.Side, grid.Side, gap: 0));
    }

    /// <summary>The mosaic <paramref name="png"/> (drawn from <paramref name="grid"/>) embedded at one image pixel per SVG pixel, with axes.</summary>
    public static Svg Frame(ManifoldGrid grid, byte[] png)
    {
        double size = grid.Side * DigitTiles.Side;
        var svg = new Svg((int)(Left + size + Right), (int)(Top + size + Bottom));
        svg.Png(Left, Top, size, size, png);
        double[] ticks = Scale.RoundTicks(grid.Coordinates[0], grid.Coordinates[^1]);
        var centres = Enumerable.Range(0, grid.Side).Select(i => (i + 0.5) * DigitTiles.Side).ToArray();
        var x = Scale.Through(grid.Coordinates, [.. centres.Select(c => Left + c)], ticks);
        var y = Scale.Through(grid.Coordinates, [.. centres.Select(c => Top + size - c)], ticks);
        Axes.Draw(svg, x, y, Left, Top, Left + size, Top + size, "z₁", "z₂");
        return svg;
    }
}
