using VaePipeline.Inference.Images;
using static VaePipeline.Tests.Images.TestImages;

namespace VaePipeline.Tests.Images;

/// <summary>The area filter against a naive double-precision reference, and the cases whose answer is known exactly.</summary>
public sealed class AreaFilterTests
{
    [Theory]
    [InlineData(30, 17, 28, 28)]
    [InlineData(29, 31, 28, 28)]
    [InlineData(100, 3, 28, 28)]
    [InlineData(5, 3, 28, 28)]      // upsampling
    [InlineData(13, 200, 7, 9)]     // down across, up down
    [InlineData(28, 28, 5, 3)]
    public void MatchesTheNaiveReference(int sourceWidth, int sourceHeight, int width, int height)
    {
        byte[] pixels = RandomPixels(sourceWidth * sourceHeight, seed: sourceWidth * 1000 + sourceHeight);
        var output = new float[width * height];
        var inverted = new float[width * height];

        AreaFilter.Resize(new GrayImage(sourceWidth, sourceHeight, pixels), width, height, invert: false, output);
        AreaFilter.Resize(new GrayImage(sourceWidth, sourceHeight, pixels), width, height, invert: true, inverted);

        double[] expected = NaiveArea(pixels, sourceWidth, sourceHeight, width, height);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i] / 255, output[i], 1e-6);
            Assert.Equal(1 - expected[i] / 255, inverted[i], 1e-6);
        }
    }

    [Fact]
    public void HalvingIsExactlyTheTwoByTwoMean()
    {
        byte[] pixels = RandomPixels(56 * 56, seed: 56);
        var output = new float[28 * 28];

        AreaFilter.Resize(new GrayImage(56, 56, pixels), 28, 28, invert: false, output);

        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                int sum = pixels[2 * y * 56 + 2 * x] + pixels[2 * y * 56 + 2 * x + 1]
                          + pixels[(2 * y + 1) * 56 + 2 * x] + pixels[(2 * y + 1) * 56 + 2 * x + 1];
                Assert.Equal((float)(sum / 4.0 / 255.0), output[y * 28 + x]);
            }
    }

    [Fact]
    public void SameSizeGivesTheTrainingIntensitiesBitForBit()
    {
        // Training feeds level / 255f; 28 × 28 input must reach the encoder as exactly those floats.
        byte[] pixels = Enumerable.Range(0, 784).Select(i => (byte)(i % 256)).ToArray();
        var output = new float[784];
        var inverted = new float[784];

        AreaFilter.Resize(new GrayImage(28, 28, pixels), 28, 28, invert: false, output);
        AreaFilter.Resize(new GrayImage(28, 28, pixels), 28, 28, invert: true, inverted);

        Assert.Equal(pixels.Select(v => v / 255f), output);
        Assert.Equal(pixels.Select(v => (255 - v) / 255f), inverted);
    }

    [Fact]
    public void OnePixelFillsTheOutput()
    {
        var output = new float[28 * 28];

        AreaFilter.Resize(new GrayImage(1, 1, [51]), 28, 28, invert: false, output);

        Assert.All(output, v => Assert.Equal(0.2f, v));
    }

    [Fact]
    public void WideOutputsUseAPooledBuffer()
    {
        byte[] pixels = RandomPixels(301 * 2, seed: 3);
        var output = new float[300 * 3];

        AreaFilter.Resize(new GrayImage(301, 2, pixels), 300, 3, invert: false, output);

        double[] expected = NaiveArea(pixels, 301, 2, 300, 3);
        for (int i = 0; i < expected.Length; i++)
            Assert.Equal(expected[i] / 255, output[i], 1e-6);
    }

    [Fact]
    public void FiveThousandSquarePngToModelInput()
    {
        // Top-left quadrant white, bottom-right a one-pixel checkerboard, the rest black. 2500 is exactly 14 of 28
        // output pixels, so the quadrants land on whole output pixels: 1, 0, and ≈ 0.5 for the checkerboard.
        const int side = 5000;
        byte[] png = Gray8(side, side, (x, y) => x < side / 2 && y < side / 2 ? (byte)255
            : x >= side / 2 && y >= side / 2 && (x + y) % 2 == 0 ? (byte)255 : (byte)0);
        var input = new float[ModelInputReader.Length];
        byte[] pixels;

        using (var decoder = new GrayImageDecoder())
        {
            var image = decoder.Decode(png);
            Assert.Equal((side, side), (image.Width, image.Height));
            AreaFilter.Resize(image, 28, 28, invert: false, input);
            pixels = image.Pixels.ToArray();
        }

        double[] expected = NaiveArea(pixels, side, side, 28, 28);
        for (int y = 0; y < 28; y++)
            for (int x = 0; x < 28; x++)
            {
                float v = input[y * 28 + x];
                Assert.Equal(expected[y * 28 + x] / 255, v, 1e-6);
                if (x < 14 && y < 14)
                    Assert.Equal(1f, v);
                else if (x >= 14 && y >= 14)
                    Assert.InRange(v, 0.49f, 0.51f);
                else
                    Assert.Equal(0f, v);
            }
    }

    /// <summary>
    /// The definition, computed the slow way: output pixel (ox, oy) covers [ox·sw/w, (ox+1)·sw/w) × [oy·sh/h, (oy+1)·sh/h)
    /// of the source plane; its level is Σ overlap area × level / footprint area.
    /// </summary>
    private static double[] NaiveArea(byte[] pixels, int sw, int sh, int width, int height)
    {
        var output = new double[width * height];
        double fx = (double)sw / width, fy = (double)sh / height;
        for (int oy = 0; oy < height; oy++)
            for (int ox = 0; ox < width; ox++)
            {
                double x0 = ox * fx, x1 = (ox + 1) * fx, y0 = oy * fy, y1 = (oy + 1) * fy;
                double sum = 0;
                for (int y = (int)Math.Floor(y0); y < Math.Min(sh, (int)Math.Ceiling(y1)); y++)
                    for (int x = (int)Math.Floor(x0); x < Math.Min(sw, (int)Math.Ceiling(x1)); x++)
                    {
                        double area = (Math.Min(x + 1, x1) - Math.Max(x, x0)) * (Math.Min(y + 1, y1) - Math.Max(y, y0));
                        if (area > 0)
                            sum += area * pixels[y * sw + x];
                    }
                output[oy * width + ox] = sum / (fx * fy);
            }
        return output;
    }

    private static byte[] RandomPixels(int count, int seed)
    {
        var pixels = new byte[count];
        new Random(seed).NextBytes(pixels);
        return pixels;
    }
}
