using System.Runtime.InteropServices;
using System.Text;

namespace VaePipeline.Inference.Images;

/// <summary>
/// libpng's simplified API (png.h, "Section 5: SIMPLIFIED API"), as libpng 1.6 declares it. It does its own
/// setjmp/longjmp error handling inside each call, so no longjmp ever crosses a managed frame; failures come back as a
/// zero result with the reason in <see cref="PngImage.message"/>.
/// </summary>
internal static unsafe partial class LibPng
{
    /// <summary>PNG_IMAGE_VERSION: the png_image layout below.</summary>
    public const uint ImageVersion = 1;

    // PNG_FORMAT_* bits: 1 byte per channel, sRGB-encoded, unless Linear (2 bytes, linear light).
    public const uint FormatGray = 0;
    public const uint FormatFlagAlpha = 0x01;
    public const uint FormatFlagColor = 0x02;
    public const uint FormatFlagLinear = 0x04;

    /// <summary>
    /// PNG_IMAGE_FLAG_16BIT_sRGB: a 16-bit file with neither gAMA nor sRGB chunk is sRGB-encoded. Without it libpng
    /// takes such files as linear, which is what almost none of them are.
    /// </summary>
    public const uint Flag16BitSrgb = 0x04;

    [LibraryImport(NativeImageLibraries.Png, EntryPoint = "png_image_begin_read_from_memory")]
    public static partial int BeginReadFromMemory(ref PngImage image, byte* memory, nuint size);

    [LibraryImport(NativeImageLibraries.Png, EntryPoint = "png_image_finish_read")]
    public static partial int FinishRead(ref PngImage image, PngColor* background, byte* buffer, int rowStride, void* colormap);

    [LibraryImport(NativeImageLibraries.Png, EntryPoint = "png_image_free")]
    public static partial void Free(ref PngImage image);

    [LibraryImport(NativeImageLibraries.Png, EntryPoint = "png_image_write_to_memory")]
    public static partial int WriteToMemory(
        ref PngImage image, byte* memory, ref nuint memoryBytes, int convertTo8Bit, byte* buffer, int rowStride, void* colormap);

    /// <summary>
    /// Compresses <paramref name="samples"/> (rows top-down, no padding) as a PNG of the given PNG_FORMAT_*. For a
    /// Linear format the samples are native-endian 16-bit values, and libpng writes a 16-bit file with gAMA 1.0.
    /// </summary>
    public static byte[] Write(ReadOnlySpan<byte> samples, int width, int height, uint format)
    {
        EnsureLoaded();
        int channels = 1 + (int)(format & (FormatFlagAlpha | FormatFlagColor));
        int bytesPerSample = (format & FormatFlagLinear) != 0 ? 2 : 1;
        if (width <= 0 || height <= 0 || samples.Length != (long)width * height * channels * bytesPerSample)
            throw new ArgumentException($"{samples.Length} bytes are not a {width}×{height} image of format {format}", nameof(samples));

        var image = new PngImage { version = ImageVersion, width = (uint)width, height = (uint)height, format = format };
        fixed (byte* buffer = samples)
        {
            // A first call with no memory asks for the size; libpng then compresses again into the exact buffer.
            nuint size = 0;
            if (WriteToMemory(ref image, null, ref size, 0, buffer, 0, null) == 0)
                throw new InvalidOperationException($"libpng cannot write the image: {image.Message}");
            var png = new byte[size];
            fixed (byte* memory = png)
            {
                if (WriteToMemory(ref image, memory, ref size, 0, buffer, 0, null) == 0)
                    throw new InvalidOperationException($"libpng cannot write the image: {image.Message}");
            }
            return size == (nuint)png.Length ? png : png[..(int)size];
        }
    }

    public static void EnsureLoaded() => NativeImageLibraries.EnsurePng();

    /// <summary>png_image from png.h, field for field: 104 bytes on 64-bit Linux, message at offset 36.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PngImage
    {
        public nint opaque;
        public uint version;
        public uint width;
        public uint height;
        public uint format;
        public uint flags;
        public uint colormap_entries;
        public uint warning_or_error;
        public fixed byte message[64];

        /// <summary>libpng's NUL-terminated error or warning text.</summary>
        public readonly string Message
        {
            get
            {
                fixed (byte* text = message)
                {
                    var bytes = new ReadOnlySpan<byte>(text, 64);
                    int end = bytes.IndexOf((byte)0);
                    return Encoding.UTF8.GetString(end < 0 ? bytes : bytes[..end]);
                }
            }
        }
    }

    /// <summary>png_color: an 8-bit sRGB colour; for gray output libpng uses the green channel.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PngColor
    {
        public byte red;
        public byte green;
        public byte blue;
    }
}
