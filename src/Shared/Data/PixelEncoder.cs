using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
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

    /// <summary>
    /// One image's bytes to inputs, a vector of bytes at a time: it runs on every step's critical path. Static
    /// binarization keeps only each byte's top bit (1 exactly when it is ≥ 128) before widening; the widened values,
    /// below 256, convert as signed integers (one instruction; the unsigned conversion is emulated on x64).
    /// </summary>
    private void Convert(ReadOnlySpan<byte> image, Span<float> row)
    {
        if (row.Length < image.Length)
            throw new ArgumentException($"a row of {row.Length} inputs cannot hold an image of {image.Length} pixels");
        int j = 0, w = Vector<float>.Count;
        bool threshold = Binarization == Binarization.Static;
        ref byte source = ref MemoryMarshal.GetReference(image);
        ref float target = ref MemoryMarshal.GetReference(row);
        for (; j + Vector<byte>.Count <= image.Length; j += Vector<byte>.Count)
        {
            var bytes = Vector.LoadUnsafe(ref source, (nuint)j);
            if (threshold)
                bytes = Vector.ShiftRightLogical(bytes, 7);
            Vector.Widen(bytes, out var low, out var high);
            Vector.Widen(low, out var q0, out var q1);
            Vector.Widen(high, out var q2, out var q3);
            Store(q0, threshold, ref target, j);
            Store(q1, threshold, ref target, j + w);
            Store(q2, threshold, ref target, j + 2 * w);
            Store(q3, threshold, ref target, j + 3 * w);
        }
        for (; j < image.Length; j++) row[j] = _lookup[image[j]];
    }

    /// <summary>
    /// Asks for an image's cache lines while the one before it converts: a batch picks its images at random from 47 MB,
    /// so each would start with misses the hardware prefetcher cannot foresee (100 fresh images took 47–55 µs to
    /// convert without this, 24–39 with it). x64 only: .NET exposes no prefetch instruction for ARM64.
    /// </summary>
    private static unsafe void Prefetch(ReadOnlySpan<byte> image)
    {
        if (!Sse.IsSupported)
            return;
        fixed (byte* start = image)
        {
            for (int offset = 0; offset < image.Length; offset += 64)
                Sse.Prefetch0(start + offset);
            Sse.Prefetch0(start + image.Length - 1); // the last line, when the image does not start on a line
        }
    }

    /// <summary>Values below 256 as floats at row[at..]: as they are (0 or 1) when thresholded, else divided by 255.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(Vector<uint> values, bool thresholded, ref float row, int at)
    {
        var v = Vector.ConvertToSingle(Vector.AsVectorInt32(values));
        (thresholded ? v : v / 255f).StoreUnsafe(ref row, (nuint)at);
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
            {
                if (i + 1 < indices.Length)
                    Prefetch(pixels.Slice(indices[i + 1] * P, P));
                Convert(pixels.Slice(indices[i] * P, P), x.Slice(i * P, P));
            }
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
