namespace VaePipeline.Inference.Images;

/// <summary>
/// Lays many same-sized images out in one grid image, for looking at a batch of decoded digits at once. Tiles run row
/// by row, <see cref="Columns"/> to a row, <c>gap</c> pixels apart with no border outside them; the gaps, and the cells
/// after the last tile, are <c>gapLevel</c>, mid-gray by default so that black-background digits stay visibly apart.
/// The tiles may be placed a batch at a time, so a large mosaic never needs all its tiles in memory at once.
/// </summary>
public sealed class Mosaic
{
    /// <summary>The most pixels a mosaic may have: the limit on the images this project reads (16384²).</summary>
    public const long MaxPixels = GrayImageDecoder.MaxPixels;

    private readonly int _tileWidth, _tileHeight, _gap;
    private readonly byte[] _pixels;

    /// <summary>A canvas for <paramref name="count"/> tiles of <paramref name="tileWidth"/> × <paramref name="tileHeight"/>.</summary>
    /// <exception cref="ArgumentException">The mosaic would have more than <see cref="MaxPixels"/> pixels; the message gives both.</exception>
    public Mosaic(int count, int tileWidth, int tileHeight, int columns, int gap = 2, byte gapLevel = 128)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        ArgumentOutOfRangeException.ThrowIfNegative(gap);
        var (width, height) = Size(count, tileWidth, tileHeight, columns, gap);
        if (width * height > MaxPixels)
            throw new ArgumentException($"a mosaic of {count:N0} tiles of {tileWidth}×{tileHeight} in {Math.Min(columns, count):N0} columns would be " +
                                        $"{width:N0}×{height:N0} pixels, more than the limit of {MaxPixels:N0} (16384²)");
        (Count, Columns, Width, Height) = (count, Math.Min(columns, count), (int)width, (int)height);
        (_tileWidth, _tileHeight, _gap) = (tileWidth, tileHeight, gap);
        _pixels = new byte[width * height];
        _pixels.AsSpan().Fill(gapLevel);
    }

    public int Count { get; }
    public int Columns { get; }
    public int Width { get; }
    public int Height { get; }

    /// <summary>The whole mosaic, tiles placed so far and the gaps.</summary>
    public GrayImage Image => new(Width, Height, _pixels);

    /// <summary>Width and height in pixels of such a mosaic, in 64 bits so that a size too large to make can be refused.</summary>
    public static (long Width, long Height) Size(int count, int tileWidth, int tileHeight, int columns, int gap = 2)
    {
        long across = Math.Min(columns, count), down = (count + across - 1) / across;
        return (across * tileWidth + (across - 1) * gap, down * tileHeight + (down - 1) * gap);
    }

    /// <summary>Places tiles <paramref name="first"/>, <paramref name="first"/> + 1, … from <paramref name="tiles"/> (row-major, one after the other).</summary>
    public Mosaic Place(int first, ReadOnlySpan<byte> tiles)
    {
        int tileSize = _tileWidth * _tileHeight;
        if (tiles.Length % tileSize != 0 || first < 0 || first + tiles.Length / tileSize > Count)
            throw new ArgumentException($"{tiles.Length} bytes from tile {first} are not whole {_tileWidth}×{_tileHeight} tiles of the {Count}", nameof(tiles));
        for (int t = 0; t < tiles.Length / tileSize; t++)
        {
            int index = first + t;
            int left = index % Columns * (_tileWidth + _gap), top = index / Columns * (_tileHeight + _gap);
            var tile = tiles.Slice(t * tileSize, tileSize);
            for (int y = 0; y < _tileHeight; y++)
                tile.Slice(y * _tileWidth, _tileWidth).CopyTo(_pixels.AsSpan((top + y) * Width + left, _tileWidth));
        }
        return this;
    }

    /// <summary>Tiles all of <paramref name="tiles"/> at once.</summary>
    /// <exception cref="ArgumentException">The bytes are not a whole number of tiles, or the mosaic would be too large.</exception>
    public static GrayImage Tile(ReadOnlySpan<byte> tiles, int tileWidth, int tileHeight, int columns, int gap = 2, byte gapLevel = 128)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(tileHeight);
        int tileSize = tileWidth * tileHeight;
        if (tiles.IsEmpty || tiles.Length % tileSize != 0)
            throw new ArgumentException($"{tiles.Length} bytes are not a whole number of {tileWidth}×{tileHeight} tiles", nameof(tiles));
        return new Mosaic(tiles.Length / tileSize, tileWidth, tileHeight, columns, gap, gapLevel).Place(0, tiles).Image;
    }
}
