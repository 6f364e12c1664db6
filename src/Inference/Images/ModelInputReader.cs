using VaePipeline.Data;

namespace VaePipeline.Inference.Images;

/// <summary>
/// Turns image files of any size into the encoder's input: decoded to gray, resized to 28 × 28 with the
/// <see cref="AreaFilter"/>, optionally inverted, as intensities in [0, 1] (level / 255, as in training). It reuses its
/// buffers across images, so one instance serves one thread at a time.
/// </summary>
/// <param name="invert">
/// For dark ink on light paper: intensities become 1 − level / 255, so the digit is bright on a dark ground like MNIST.
/// Transparent PNG pixels are then composed onto white, the paper, instead of black; either way they count as background.
/// </param>
public sealed class ModelInputReader(bool invert) : IDisposable
{
    public const int Side = MnistSplit.Width;

    /// <summary>Floats per image: 784, row-major.</summary>
    public const int Length = MnistSplit.PixelsPerImage;

    private readonly GrayImageDecoder _decoder = new();

    private byte Background => invert ? byte.MaxValue : byte.MinValue;

    /// <summary>Reads the image file at <paramref name="path"/> into <paramref name="destination"/> (<see cref="Length"/> floats).</summary>
    /// <inheritdoc cref="GrayImageDecoder.DecodeFile" path="/exception"/>
    public void Read(string path, Span<float> destination) =>
        AreaFilter.Resize(_decoder.DecodeFile(path, Background), Side, Side, invert, destination);

    /// <summary>Reads an encoded PNG or JPEG into <paramref name="destination"/> (<see cref="Length"/> floats).</summary>
    /// <inheritdoc cref="GrayImageDecoder.Decode" path="/exception"/>
    public void Read(ReadOnlySpan<byte> encoded, Span<float> destination) =>
        AreaFilter.Resize(_decoder.Decode(encoded, Background), Side, Side, invert, destination);

    public void Dispose() => _decoder.Dispose();
}
