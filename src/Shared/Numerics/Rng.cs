namespace VaePipeline.Numerics;

/// <summary>
/// xoshiro256** seeded through SplitMix64. Every random draw in training comes from a stream keyed by
/// (seed, purpose, index) — e.g. the noise of step 1234 — so a resumed run replays exactly the numbers an
/// uninterrupted one would have drawn, and the only RNG state a checkpoint needs is the seed and the counters.
/// </summary>
public struct Rng
{
    private ulong _s0, _s1, _s2, _s3;

    public Rng(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>An independent stream for one purpose (a <see cref="RngStream"/>) and one index within it.</summary>
    public static Rng For(ulong seed, RngStream stream, long index)
    {
        ulong x = seed;
        ulong key = SplitMix64(ref x) ^ ((ulong)stream * 0xD1B54A32D192ED03UL);
        x = key ^ (ulong)index;
        return new Rng(SplitMix64(ref x) ^ (ulong)index);
    }

    public ulong NextUInt64()
    {
        ulong result = ulong.RotateLeft(_s1 * 5, 7) * 9;
        ulong t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = ulong.RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (every float32 multiple of 2⁻²⁴).</summary>
    public float NextFloat() => (NextUInt64() >> 40) * (1f / (1 << 24));

    /// <summary>Uniform in [0, n).</summary>
    public int NextInt(int n) => (int)((NextUInt64() >> 32) * (ulong)n >> 32);

    /// <summary>Fills with N(0, 1) draws by the Box–Muller transform, two per pair of uniforms.</summary>
    public void FillGaussian(Span<float> values)
    {
        for (int i = 0; i < values.Length; i += 2)
        {
            // 53-bit uniform in (0, 1] keeps log() finite.
            double u1 = ((NextUInt64() >> 11) + 1) * (1.0 / (1UL << 53));
            double u2 = (NextUInt64() >> 11) * (1.0 / (1UL << 53));
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            (double sin, double cos) = Math.SinCos(2.0 * Math.PI * u2);
            values[i] = (float)(r * cos);
            if (i + 1 < values.Length) values[i + 1] = (float)(r * sin);
        }
    }

    /// <summary>Fisher–Yates shuffle.</summary>
    public void Shuffle(Span<int> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The purposes random numbers are drawn for; each gets its own family of streams.</summary>
public enum RngStream : ulong
{
    Init = 1,
    Shuffle = 2,
    Noise = 3,
    Binarize = 4,
    Evaluation = 5,
    RandomBatch = 6,
}
