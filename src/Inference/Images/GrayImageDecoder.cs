using Microsoft.Win32.SafeHandles;
using SkiaSharp;
using VaePipeline.IO;

namespace VaePipeline.Inference.Images;

/// <summary>
/// Decodes PNG and JPEG files to 8-bit gray through SkiaSharp's codecs. It keeps its buffers (file bytes, pixels)
/// between calls, so decoding a folder of same-sized images allocates no buffers per image; in exchange an instance
/// serves one thread at a time, and each result is valid until its next call.
/// </summary>
public sealed class GrayImageDecoder : IDisposable
{
    /// <summary>
    /// The largest image accepted, 2^28 pixels (16384 × 16384): a small, hostile or broken file can declare dimensions
    /// whose pixel buffer would exhaust memory, so those are refused before anything is allocated.
    /// </summary>
    public const long MaxPixels = 1L << 28;

    // Gray pixels, or for colour and alpha images the RGBA samples, converted to gray in place at its front.
    private byte[] _pixels = [];
    private byte[] _file = [];

    /// <summary>Decodes a PNG or JPEG held in memory, telling the two apart by their signature.</summary>
    /// <param name="background">
    /// The gray level that transparent pixels of a PNG are composed onto. Black (0) suits MNIST-style white-on-black
    /// images, where transparent means background; use white (255) for dark ink on transparent paper.
    /// </param>
    /// <exception cref="ImageDecodeException">Empty, truncated, corrupt, not a PNG or JPEG, CMYK, or too large.</exception>
    public unsafe GrayImage Decode(ReadOnlySpan<byte> encoded, byte background = 0)
    {
        ImageFormat format = ImageFormats.Detect(encoded);
        // Skia would turn ink amounts into light naively; without a colour profile there is no faithful gray.
        if (format == ImageFormat.Jpeg && JpegFrameHeader.ComponentCount(encoded) == 4)
            throw new ImageDecodeException("CMYK JPEG is not supported; convert it to grayscale or RGB first");

        fixed (byte* bytes = encoded)
        {
            // Skia reads the caller's bytes in place: the data wraps the pinned span, and everything that refers to
            // it is disposed before the span is unpinned.
            using var data = SKData.Create((IntPtr)bytes, encoded.Length);
            using var codec = SKCodec.Create(data) ?? throw Invalid(format, WhyNoCodec(data));

            SKImageInfo source = codec.Info;
            int width = source.Width, height = source.Height;
            if ((long)width * height > MaxPixels)
                throw new ImageDecodeException($"the image is {width}×{height}, more than the {MaxPixels:N0}-pixel limit");
            int pixels = width * height;

            // Skia reports Gray8 only for opaque gray data, which it hands over as stored. Anything else comes as
            // unpremultiplied RGBA, the samples as stored, and becomes gray here. No colour space on the target means no
            // colour management: gAMA, sRGB and ICC tags are ignored and levels keep their encoded values.
            bool gray = source.ColorType == SKColorType.Gray8;
            var target = new SKImageInfo(width, height, gray ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Unpremul);
            if (_pixels.Length < (long)target.BytesSize)
                _pixels = new byte[target.BytesSize];
            fixed (byte* destination = _pixels)
            {
                // Anything short of Success is an error: on truncated data Skia returns IncompleteInput with the rest of
                // the image filled in, which would pass invented pixels off as the file's.
                SKCodecResult result = codec.GetPixels(target, (IntPtr)destination);
                if (result != SKCodecResult.Success)
                    throw Invalid(format, result);
            }
            if (!gray)
                RgbaToGray.ConvertInPlace(_pixels.AsSpan(0, 4 * pixels), background);
            return new GrayImage(width, height, _pixels.AsSpan(0, pixels));
        }
    }

    /// <summary>Reads and decodes a file; an <see cref="ImageDecodeException"/> names the path.</summary>
    /// <exception cref="IOException">The file cannot be read (<see cref="FileNotFoundException"/> when it is missing), or is no regular file (<see cref="NotARegularFileException"/>: a FIFO, a device).</exception>
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

    /// <summary>Nothing native outlives a call; kept so that callers' <c>using</c> stays valid.</summary>
    public void Dispose()
    {
    }

    /// <summary>
    /// Asks again through a stream, the only overload that reports why. Only failures pay for it: wrapping the data in
    /// a stream that the codec owns costs about 1.2 kB of managed bookkeeping per image.
    /// </summary>
    private static SKCodecResult WhyNoCodec(SKData data)
    {
        using var codec = SKCodec.Create(new SKMemoryStream(data), out SKCodecResult result);
        return result;
    }

    private static ImageDecodeException Invalid(ImageFormat format, SKCodecResult result)
    {
        string reason = result switch
        {
            SKCodecResult.IncompleteInput => "the data ends early or is damaged",
            SKCodecResult.ErrorInInput => "corrupt data",
            SKCodecResult.InvalidInput => "invalid data",
            _ => "cannot decode",
        };
        return new ImageDecodeException($"invalid {(format == ImageFormat.Png ? "PNG" : "JPEG")}: {reason} ({result})");
    }

    /// <summary>Reads the whole file into <see cref="_file"/> and returns its length.</summary>
    private int ReadFile(string path)
    {
        using SafeFileHandle file = PosixFileSystem.OpenRegularFile(path, out long length);
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
