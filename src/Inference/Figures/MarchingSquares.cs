namespace VaePipeline.Inference.Figures;

/// <summary>Contour lines of a field sampled on a grid, as straight segments between edge crossings (marching squares).</summary>
public static class MarchingSquares
{
    /// <summary>
    /// Segments of the level set {f = level} of <paramref name="values"/>[i, j] = f(x_i, y_j), in fractional grid
    /// coordinates (i, j). Each cell's crossings are found by linear interpolation along its four edges and joined in
    /// pairs; a saddle cell (four crossings) is joined in edge order, which can only mis-pair lines within that cell.
    /// </summary>
    public static List<((double I, double J) From, (double I, double J) To)> Segments(double[,] values, double level)
    {
        var segments = new List<((double, double), (double, double))>();
        var crossings = new List<(double, double)>(4);
        for (int i = 0; i + 1 < values.GetLength(0); i++)
            for (int j = 0; j + 1 < values.GetLength(1); j++)
            {
                crossings.Clear();
                // The cell's corners in order around it, each edge from one corner to the next.
                (int I, int J)[] corners = [(i, j), (i + 1, j), (i + 1, j + 1), (i, j + 1)];
                for (int e = 0; e < 4; e++)
                {
                    var (a, b) = (corners[e], corners[(e + 1) % 4]);
                    double fa = values[a.I, a.J] - level, fb = values[b.I, b.J] - level;
                    if (fa < 0 == fb < 0) continue;
                    double t = fa / (fa - fb);
                    crossings.Add((a.I + t * (b.I - a.I), a.J + t * (b.J - a.J)));
                }
                for (int c = 0; c + 1 < crossings.Count; c += 2) segments.Add((crossings[c], crossings[c + 1]));
            }
        return segments;
    }
}
