namespace VaePipeline.Inference.Images;

/// <summary>Lays many same-sized images out in one grid image, for looking at a batch of decoded digits at once.</summary>
public static class Mosaic
{
    /// <summary>
    /// Tiles the images in <paramref name="tiles"/> (each <paramref name="tileWidth"/> × <paramref name="tileHeight"/>,
    /// row-major, one after the other) row by row into <paramref name="columns"/> columns. Tiles are
    /// <paramref name="gap"/> pixels apart, with no border outside them; the gaps, and the cells after the last tile,
    /// are <paramref name="gapLevel"/>, mid-gray by default so that black-background digits stay visibly apart.
    /// </summary>
    public static GrayImage Tile(
        ReadOnlySpan<byte> tiles, int tileWidth, int tileHeight, int columns, int gap = 2, byte gapLevel = 128)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        int tileSize = tileWidth * tileHeight;
        if (tiles.IsEmpty || tiles.Length % tileSize != 0)
            throw new ArgumentException($"{tiles.Length} bytes are not a whole number of {tileWidth}×{tileHeight} tiles", nameof(tiles));

        int count = tiles.Length / tileSize;
        columns = Math.Min(columns, count);
        int rows = (count + columns - 1) / columns;
        int width = columns * tileWidth + (columns - 1) * gap;
        int height = rows * tileHeight + (rows - 1) * gap;

        var pixels = new byte[(long)width * height];
        pixels.AsSpan().Fill(gapLevel);
        for (int t = 0; t < count; t++)
        {
            int left = t % columns * (tileWidth + gap), top = t / columns * (tileHeight + gap);
            var tile = tiles.Slice(t * tileSize, tileSize);
            for (int y = 0; y < tileHeight; y++)
                tile.Slice(y * tileWidth, tileWidth).CopyTo(pixels.AsSpan((top + y) * width + left, tileWidth));
        }
        return new GrayImage(width, height, pixels);
    }
}
