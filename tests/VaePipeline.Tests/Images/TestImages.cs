using System.Buffers.Binary;
using VaePipeline.Inference.Images;

namespace VaePipeline.Tests.Images;

/// <summary>Encoded test images: PNGs written here by <see cref="TestPng"/>, and the committed fixtures.</summary>
internal static class TestImages
{
    /// <summary>An 8-bit gray PNG whose pixel (x, y) is <paramref name="level"/>(x, y).</summary>
    public static byte[] Gray8(int width, int height, Func<int, int, byte> level) =>
        Png8(PngColorType.Gray, width, height, (x, y, _) => level(x, y));

    /// <summary>An 8-bit PNG of the given colour type; channel c of pixel (x, y) is <paramref name="sample"/>(x, y, c).</summary>
    public static byte[] Png8(PngColorType colorType, int width, int height, Func<int, int, int, byte> sample,
        params (string, byte[])[] ancillary) =>
        TestPng.Encode(width, height, 8, colorType, Samples(width, height, Channels(colorType), sample), ancillary);

    /// <summary>A 16-bit PNG; channel c of pixel (x, y) is <paramref name="sample"/>(x, y, c).</summary>
    public static byte[] Png16(PngColorType colorType, int width, int height, Func<int, int, int, ushort> sample,
        params (string, byte[])[] ancillary)
    {
        ushort[] samples = Samples(width, height, Channels(colorType), sample);
        var bytes = new byte[2 * samples.Length];
        for (int i = 0; i < samples.Length; i++)
            BinaryPrimitives.WriteUInt16BigEndian(bytes.AsSpan(2 * i), samples[i]);
        return TestPng.Encode(width, height, 16, colorType, bytes, ancillary);
    }

    public static string FixturePath(string name) => Path.Combine(AppContext.BaseDirectory, "Images", "Fixtures", name);

    public static byte[] Fixture(string name) => File.ReadAllBytes(FixturePath(name));

    /// <summary>Decodes into a fresh array, so the result outlives the decoder.</summary>
    public static (int Width, int Height, byte[] Pixels) Decode(byte[] encoded, byte background = 0)
    {
        using var decoder = new GrayImageDecoder();
        var image = decoder.Decode(encoded, background);
        return (image.Width, image.Height, image.Pixels.ToArray());
    }

    private static int Channels(PngColorType colorType) => colorType switch
    {
        PngColorType.Gray => 1,
        PngColorType.GrayAlpha => 2,
        PngColorType.Rgb => 3,
        _ => 4,
    };

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
