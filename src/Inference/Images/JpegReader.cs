using System.Runtime.InteropServices;

namespace VaePipeline.Inference.Images;

/// <summary>
/// Reads baseline and progressive JPEGs as 8-bit gray through TurboJPEG: grayscale JPEGs as they are, YCbCr (and RGB)
/// JPEGs as their luma. Holds one decompressor handle, so it is not for two threads at once.
/// </summary>
internal sealed unsafe class JpegReader : IDisposable
{
    private readonly TurboJpeg.Handle _handle;

    public JpegReader()
    {
        NativeImageLibraries.EnsureTurboJpeg();
        _handle = TurboJpeg.InitDecompress();
        if (_handle.IsInvalid)
            throw new InvalidOperationException($"tjInitDecompress failed: {TurboJpeg.ErrorText(_handle)}");
    }

    /// <param name="buffer">Grown as needed and reused; the pixels are its first width × height bytes.</param>
    /// <exception cref="ImageDecodeException">TurboJPEG rejects the data (its reason is in the message), or it is CMYK.</exception>
    public void Read(ReadOnlySpan<byte> jpeg, ref byte[] buffer, out int width, out int height)
    {
        var size = new CULong((nuint)jpeg.Length);
        fixed (byte* data = jpeg)
        {
            if (TurboJpeg.DecompressHeader(_handle, data, size, out width, out height, out _, out int colorspace) != 0)
                throw Failure();
            // libjpeg-turbo would hand back ink amounts, not light: there is no faithful gray without a colour profile.
            if (colorspace is TurboJpeg.ColorspaceCmyk or TurboJpeg.ColorspaceYcck)
                throw new ImageDecodeException("CMYK JPEG is not supported; convert it to grayscale or RGB first");

            GrayImageDecoder.EnsureCapacity(ref buffer, width, height);
            fixed (byte* pixels = buffer)
            {
                if (TurboJpeg.Decompress(_handle, data, size, pixels, width, width, height,
                        TurboJpeg.PixelFormatGray, TurboJpeg.FlagStopOnWarning) != 0)
                    throw Failure();
            }
        }
    }

    public void Dispose() => _handle.Dispose();

    private ImageDecodeException Failure() => new($"invalid JPEG: {TurboJpeg.ErrorText(_handle)}");
}
