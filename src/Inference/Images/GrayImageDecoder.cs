using Microsoft.Win32.SafeHandles;

namespace VaePipeline.Inference.Images;

/// <summary>
/// Decodes PNG and JPEG files to 8-bit gray through the system's libpng and libjpeg-turbo. It keeps its buffers (file
/// bytes, pixels) and its JPEG decompressor between calls, so decoding a folder of same-sized images allocates nothing
/// per image; in exchange an instance serves one thread at a time, and each result is valid until its next call.
/// </summary>
public sealed class GrayImageDecoder : IDisposable
{
    /// <summary>
    /// The largest image accepted, 2^28 pixels (16384 × 16384): a small, hostile or broken file can declare dimensions
    /// whose pixel buffer would exhaust memory, so those are refused before anything is allocated.
    /// </summary>
    public const long MaxPixels = 1L << 28;

    private byte[] _pixels = [];
    private byte[] _file = [];
    private JpegReader? _jpeg;

    /// <summary>Decodes a PNG or JPEG held in memory, telling the two apart by their signature.</summary>
    /// <param name="background">
    /// The gray level that transparent pixels of a PNG are composed onto. Black (0) suits MNIST-style white-on-black
    /// images, where transparent means background; use white (255) for dark ink on transparent paper.
    /// </param>
    /// <exception cref="ImageDecodeException">Empty, truncated, corrupt, not a PNG or JPEG, CMYK, or too large.</exception>
    /// <exception cref="DllNotFoundException">libpng16 or libturbojpeg is not installed (the message names the package).</exception>
    public GrayImage Decode(ReadOnlySpan<byte> encoded, byte background = 0)
    {
        int width, height;
        if (ImageFormats.Detect(encoded) == ImageFormat.Png)
            PngReader.Read(encoded, background, ref _pixels, out width, out height);
        else
            (_jpeg ??= new JpegReader()).Read(encoded, ref _pixels, out width, out height);
        return new GrayImage(width, height, _pixels.AsSpan(0, width * height));
    }

    /// <summary>Reads and decodes a file; an <see cref="ImageDecodeException"/> names the path.</summary>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it is missing), or is no regular file (a FIFO, a device).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission to read it, or it is a folder.</exception>
    /// <inheritdoc cref="Decode" path="/exception"/>
    public GrayImage DecodeFile(string path, byte background = 0)
    {
        int length = ReadFile(path);
        try
        {
            return Decode(_file.AsSpan(0, length), background);
        }
        catch (ImageDecodeException e)
        {
            throw new ImageDecodeException($"{path}: {e.Message}");
        }
    }

    public void Dispose() => _jpeg?.Dispose();

    /// <summary>Grows <paramref name="buffer"/> to hold <paramref name="width"/> × <paramref name="height"/> pixels.</summary>
    /// <exception cref="ImageDecodeException">The image is larger than <see cref="MaxPixels"/>.</exception>
    internal static void EnsureCapacity(ref byte[] buffer, int width, int height)
    {
        long pixels = (long)width * height;
        if (pixels > MaxPixels)
            throw new ImageDecodeException($"the image is {width}×{height}, more than the {MaxPixels:N0}-pixel limit");
        if (buffer.Length < pixels)
            buffer = new byte[pixels];
    }

    /// <summary>Reads the whole file into <see cref="_file"/> and returns its length.</summary>
    private int ReadFile(string path)
    {
        RegularFile.Require(path);
        using SafeFileHandle file = File.OpenHandle(path);
        long length = RandomAccess.GetLength(file);
        // The largest image's pixels, uncompressed, bound any sane encoding of it (PNG's worst case is barely above).
        if (length > 2 * MaxPixels)
            throw new ImageDecodeException($"{path}: {length:N0} bytes is too large for an image");
        if (_file.Length < length)
            _file = new byte[length];

        int read = 0;
        while (read < length)
        {
            int n = RandomAccess.Read(file, _file.AsSpan(read, (int)length - read), read);
            if (n == 0)
                throw new IOException($"{path}: the file shrank while it was being read");
            read += n;
        }
        return read;
    }
}
