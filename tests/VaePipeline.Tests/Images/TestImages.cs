using System.Runtime.InteropServices;
using VaePipeline.Inference.Images;

namespace VaePipeline.Tests.Images;

/// <summary>Encoded test images: PNGs written here through libpng's simplified write API, and the committed fixtures.</summary>
internal static class TestImages
{
    /// <summary>An 8-bit gray PNG whose pixel (x, y) is <paramref name="level"/>(x, y).</summary>
    public static byte[] Gray8(int width, int height, Func<int, int, byte> level) =>
        LibPng.Write(Samples(width, height, 1, (x, y, _) => level(x, y)), width, height, LibPng.FormatGray);

    /// <summary>An 8-bit PNG of the given PNG_FORMAT_* (gray, GA, RGB or RGBA); channel c of pixel (x, y) is <paramref name="sample"/>(x, y, c).</summary>
    public static byte[] Png8(uint format, int width, int height, Func<int, int, int, byte> sample) =>
        LibPng.Write(Samples(width, height, Channels(format), sample), width, height, format);

    /// <summary>A 16-bit PNG; libpng's simplified API writes 16-bit samples as linear light, with gAMA 1.0.</summary>
    public static byte[] Png16Linear(uint format, int width, int height, Func<int, int, int, ushort> sample) =>
        LibPng.Write(MemoryMarshal.AsBytes(Samples(width, height, Channels(format), sample).AsSpan()),
            width, height, format | LibPng.FormatFlagLinear);

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Images", "Fixtures", name);

    public static byte[] Fixture(string name) => File.ReadAllBytes(FixturePath(name));

    /// <summary>Decodes into a fresh array, so the result outlives the decoder.</summary>
    public static (int Width, int Height, byte[] Pixels) Decode(byte[] encoded, byte background = 0)
    {
        using var decoder = new GrayImageDecoder();
        var image = decoder.Decode(encoded, background);
        return (image.Width, image.Height, image.Pixels.ToArray());
    }

    /// <summary>
    /// Asserts that <paramref name="level"/> is the 8-bit encoding of the linear-light value <paramref name="linear"/>
    /// in [0, 1], as libpng's simplified API encodes it: with the exact sRGB curve on some paths (8-bit colour) and
    /// the gamma 2.2 power law on others (16-bit input), within a level of either.
    /// </summary>
    public static void AssertEncodes(double linear, byte level)
    {
        double srgb = 255 * (linear <= 0.0031308 ? 12.92 * linear : 1.055 * Math.Pow(linear, 1 / 2.4) - 0.055);
        double power = 255 * Math.Pow(linear, 1 / 2.2);
        Assert.InRange(level, Math.Min(srgb, power) - 1, Math.Max(srgb, power) + 1);
    }

    private static int Channels(uint format) => 1 + (int)(format & (LibPng.FormatFlagAlpha | LibPng.FormatFlagColor));

    private static T[] Samples<T>(int width, int height, int channels, Func<int, int, int, T> sample)
    {
        var samples = new T[width * height * channels];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < channels; c++)
                    samples[(y * width + x) * channels + c] = sample(x, y, c);
        return samples;
    }
}
