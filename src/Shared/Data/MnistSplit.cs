using static System.FormattableString;

namespace VaePipeline.Data;

/// <summary>
/// One MNIST split (train or test) in memory: <see cref="Count"/> images of 28 × 28 gray levels 0..255,
/// stored row-major one after the other in <see cref="Pixels"/>, and their digit labels.
/// </summary>
public sealed class MnistSplit
{
    public const int Width = 28;
    public const int Height = 28;
    public const int PixelsPerImage = Width * Height;

    public MnistSplit(byte[] pixels, byte[] labels)
    {
        if (pixels.Length != (long)labels.Length * PixelsPerImage)
            throw new ArgumentException(
                Invariant($"{pixels.Length:N0} pixels do not make {labels.Length:N0} images of {Width}×{Height}"), nameof(pixels));
        Pixels = pixels;
        Labels = labels;
    }

    /// <summary>All images, <see cref="PixelsPerImage"/> bytes each, row-major.</summary>
    public byte[] Pixels { get; }

    /// <summary>The digit each image shows.</summary>
    public byte[] Labels { get; }

    public int Count => Labels.Length;

    /// <summary>The pixels of image <paramref name="index"/>, row-major.</summary>
    public ReadOnlySpan<byte> Image(int index) => Pixels.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>
    /// Reads an images file and its labels file (each gzip-compressed or raw) and checks that the images are 28 × 28,
    /// that there are as many labels as images, and that every label is a digit 0..9.
    /// </summary>
    /// <exception cref="MnistDataException">Either file is missing or malformed, or they do not match.</exception>
    public static MnistSplit Load(string imagesPath, string labelsPath)
    {
        var images = IdxFile.ReadImages(imagesPath);
        if (images.Rows != Height || images.Columns != Width)
            throw new MnistDataException(Invariant(
                $"{imagesPath}: images are {images.Rows}×{images.Columns}, but MNIST images are {Height}×{Width}"));

        var labels = IdxFile.ReadLabels(labelsPath);
        if (labels.Length != images.Count)
            throw new MnistDataException(Invariant(
                $"count mismatch: {imagesPath} holds {images.Count:N0} images but {labelsPath} holds {labels.Length:N0} labels"));

        int bad = labels.AsSpan().IndexOfAnyInRange((byte)10, byte.MaxValue);
        if (bad >= 0)
            throw new MnistDataException(Invariant($"{labelsPath}: label {labels[bad]} at index {bad:N0} is not a digit 0..9"));

        return new MnistSplit(images.Pixels, labels);
    }
}
