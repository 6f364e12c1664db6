namespace VaePipeline.Inference.Images;

/// <summary>
/// Reads any PNG (every colour type and bit depth, palette, tRNS, interlaced) as 8-bit gray through libpng's simplified
/// API, which does all the conversions: colour becomes gray with sRGB-aware weights (linear-light Rec. 709 luminance,
/// re-encoded as sRGB), 16-bit samples are reduced to 8, and alpha is composed onto a solid background level.
/// </summary>
internal static unsafe class PngReader
{
    /// <param name="background">The gray level transparent pixels are composed onto (libpng composes in linear light).</param>
    /// <param name="buffer">Grown as needed and reused; the pixels are its first width × height bytes.</param>
    /// <exception cref="ImageDecodeException">libpng rejects the data; its reason is in the message.</exception>
    public static void Read(ReadOnlySpan<byte> png, byte background, ref byte[] buffer, out int width, out int height)
    {
        LibPng.EnsureLoaded();
        var image = new LibPng.PngImage { version = LibPng.ImageVersion };
        try
        {
            fixed (byte* memory = png)
            {
                if (LibPng.BeginReadFromMemory(ref image, memory, (nuint)png.Length) == 0)
                    throw Failure(image);

                // Only settable between begin_read (which fills in flags) and finish_read.
                image.flags |= LibPng.Flag16BitSrgb;
                image.format = LibPng.FormatGray;
                width = (int)Math.Min(image.width, int.MaxValue);
                height = (int)Math.Min(image.height, int.MaxValue);
                GrayImageDecoder.EnsureCapacity(ref buffer, width, height);

                var color = new LibPng.PngColor { red = background, green = background, blue = background };
                fixed (byte* pixels = buffer)
                {
                    if (LibPng.FinishRead(ref image, &color, pixels, width, null) == 0)
                        throw Failure(image);
                }
            }
        }
        finally
        {
            // finish_read frees on success, and a failed call may have freed already; freeing twice is safe.
            LibPng.Free(ref image);
        }
    }

    private static ImageDecodeException Failure(in LibPng.PngImage image) => new($"invalid PNG: {image.Message}");
}
