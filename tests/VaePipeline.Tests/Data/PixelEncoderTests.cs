using VaePipeline.Data;
using VaePipeline.Model;

namespace VaePipeline.Tests.Data;

/// <summary>The vectorised byte → input conversion against its definition, for every byte value at every position of an image.</summary>
public sealed class PixelEncoderTests
{
    [Theory]
    [InlineData(Binarization.Static)]
    [InlineData(Binarization.None)]
    public void EveryByteAtEveryPositionBecomesItsDefinedInput(Binarization binarization)
    {
        const int P = MnistSplit.PixelsPerImage;
        // 256 images, image i holding (i + j) mod 256 at pixel j: every value meets every lane and the ragged end.
        var pixels = new byte[256 * P];
        for (int i = 0; i < 256; i++)
            for (int j = 0; j < P; j++)
                pixels[i * P + j] = (byte)(i + j);
        var split = new MnistSplit(pixels, new byte[256]);
        int[] indices = [.. Enumerable.Range(0, 256).Reverse()];
        var x = new float[256 * P];
        new PixelEncoder(binarization, seed: 0).Fill(split, indices, draw: 0, x);
        for (int r = 0; r < 256; r++)
            for (int j = 0; j < P; j++)
            {
                byte v = pixels[indices[r] * P + j];
                float expected = binarization == Binarization.Static ? (v >= 128 ? 1f : 0f) : v / 255f;
                Assert.True(expected == x[r * P + j], $"byte {v} at pixel {j} gave {x[r * P + j]:R}, not {expected:R}");
            }
    }
}
