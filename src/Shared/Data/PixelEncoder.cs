using System.Numerics;
using VaePipeline.Model;
using VaePipeline.Numerics;

namespace VaePipeline.Data;

/// <summary>Turns 0..255 MNIST pixels into the model's input x, as the <see cref="Binarization"/> setting says.</summary>
public sealed class PixelEncoder(Binarization binarization, ulong seed)
{
    private const int P = MnistSplit.PixelsPerImage;

    /// <summary>Static: 1 where intensity &gt; 0.5; none: intensity. (Dynamic draws per use; see <see cref="Fill"/>.) Only the
    /// ragged end of an image reads it; whole vectors compute the same values.</summary>
    private readonly float[] _lookup = Enumerable.Range(0, 256)
        .Select(v => binarization == Binarization.Static ? (v >= 128 ? 1f : 0f) : v / 255f)
        .ToArray();

    public Binarization Binarization { get; } = binarization;

    /// <summary>One image's bytes to inputs, a vector of bytes at a time: it runs on every step's critical path.</summary>
    private void Convert(ReadOnlySpan<byte> image, Span<float> row)
    {
        int j = 0;
        var threshold = new Vector<float>(128f);
        for (; j + Vector<byte>.Count <= image.Length; j += Vector<byte>.Count)
        {
            Vector.Widen(new Vector<byte>(image[j..]), out var low, out var high);
            Vector.Widen(low, out var q0, out var q1);
            Vector.Widen(high, out var q2, out var q3);
            int k = j;
            foreach (var quarter in (ReadOnlySpan<Vector<uint>>)[q0, q1, q2, q3])
            {
                var v = Vector.ConvertToSingle(quarter);
                var value = Binarization == Binarization.Static
                    ? Vector.ConditionalSelect(Vector.GreaterThanOrEqual(v, threshold), Vector<float>.One, Vector<float>.Zero)
                    : v / 255f;
                value.CopyTo(row[k..]);
                k += Vector<float>.Count;
            }
        }
        for (; j < image.Length; j++) row[j] = _lookup[image[j]];
    }

    /// <summary>
    /// Writes images <paramref name="indices"/> of <paramref name="split"/> into x [indices.Length, 784]. Dynamic
    /// binarization draws x ~ Bernoulli(intensity) from a stream keyed by (<paramref name="draw"/>, image index): the
    /// trainer passes the global step, so a resumed run draws the same pixels; evaluation passes a constant, so each
    /// test image is binarized the same way whatever the batching.
    /// </summary>
    public void Fill(MnistSplit split, ReadOnlySpan<int> indices, long draw, Span<float> x)
    {
        var pixels = split.Pixels.AsSpan();
        if (Binarization != Binarization.Dynamic)
        {
            for (int i = 0; i < indices.Length; i++)
                Convert(pixels.Slice(indices[i] * P, P), x.Slice(i * P, P));
            return;
        }
        for (int i = 0; i < indices.Length; i++)
        {
            var rng = Rng.For(seed ^ ((ulong)draw * 0x9E3779B97F4A7C15UL), RngStream.Binarize, indices[i]);
            var image = pixels.Slice(indices[i] * P, P);
            var row = x.Slice(i * P, P);
            for (int j = 0; j < P; j++) row[j] = rng.NextFloat() * 255f < image[j] ? 1f : 0f;
        }
    }
}
