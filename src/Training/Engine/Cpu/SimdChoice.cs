using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The SIMD path this process's GEMMs run on, and why. Every path gives the same bits (see <see cref="Sgemm"/>), so the
/// choice is speed alone. AVX-512 pays where its fused multiply-adds are single-pumped (Zen 5 desktop and server
/// parts, Intel server cores), doing twice AVX2's work per instruction. Where they are double-pumped on 256-bit units
/// (Zen 4) they deliver no more flops than AVX2, and the wider path only doubles the tile and its B micro-panel, so
/// AVX2 is taken there. A few milliseconds of <see cref="FmaLoop"/> at each width,
/// on first use, tell the two apart. ARM64 has neither and takes the 128-bit path (NEON), as does an x64 CPU with FMA3
/// but no AVX2 (SSE). <c>VAE_CPU_SIMD</c> = avx512, avx2, neon, sse (both the 128-bit path) or scalar sets the path instead.
/// </summary>
internal sealed record SimdChoice(SimdPath Path, string? Reason)
{
    public const string Variable = "VAE_CPU_SIMD";

    /// <summary>
    /// AVX-512's FMA rate over AVX2's from which the wider path is taken: single-pumped units measure about 2,
    /// double-pumped ones about 1, and this sits between them with room for a noisy host on either side.
    /// </summary>
    internal const double MinWideSpeedup = 1.4;

    /// <summary>The paths this CPU runs natively, narrowest first (scalar always).</summary>
    public static IReadOnlyList<SimdPath> Supported { get; } = FindSupported();

    // Lazy keeps a bad VAE_CPU_SIMD's exception and throws it again, unwrapped, at every use.
    private static readonly Lazy<SimdChoice> s_current =
        new(() => Make(Environment.GetEnvironmentVariable(Variable), Supported, MeasureWideSpeedup));

    /// <summary>This process's choice, made on first use.</summary>
    /// <exception cref="TrainingDeviceException"><c>VAE_CPU_SIMD</c> names no path, or one this CPU cannot run.</exception>
    public static SimdChoice Current => s_current.Value;

    /// <summary>
    /// The path <paramref name="requested"/> names, if set; otherwise the widest supported one, except AVX-512 whose
    /// FMAs measure (<paramref name="wideSpeedup"/>, called only then) below <see cref="MinWideSpeedup"/> × AVX2's.
    /// </summary>
    internal static SimdChoice Make(string? requested, IReadOnlyList<SimdPath> supported, Func<double> wideSpeedup)
    {
        if (!string.IsNullOrWhiteSpace(requested))
        {
            SimdPath path = Parse(requested)
                ?? throw new TrainingDeviceException($"{Variable}={requested} names no SIMD path: use avx512, avx2, neon, sse or scalar");
            if (!supported.Contains(path))
                throw new TrainingDeviceException(
                    $"{Variable}={requested}: this CPU cannot run {path.Name()} (it runs {string.Join(", ", supported.Select(p => p.Name()))})");
            return new SimdChoice(path, $"set by {Variable}");
        }

        SimdPath widest = supported[^1];
        if (widest != SimdPath.Vector512)
            return new SimdChoice(widest, null);
        double speedup = wideSpeedup();
        return speedup >= MinWideSpeedup
            ? new SimdChoice(SimdPath.Vector512, $"its FMAs ran {speedup:F2}× AVX2's")
            : new SimdChoice(SimdPath.Vector256, $"AVX-512 FMAs ran {speedup:F2}× AVX2's, double-pumped");
    }

    private static SimdPath[] FindSupported()
    {
        var paths = new List<SimdPath> { SimdPath.Scalar };
        if (Vector128.IsHardwareAccelerated && (Fma.IsSupported || AdvSimd.Arm64.IsSupported))
            paths.Add(SimdPath.Vector128);
        if (Vector256.IsHardwareAccelerated && Fma.IsSupported)
            paths.Add(SimdPath.Vector256);
        if (Vector512.IsHardwareAccelerated)
            paths.Add(SimdPath.Vector512);
        return [.. paths];
    }

    private static SimdPath? Parse(string name) => name.Trim().ToLowerInvariant() switch
    {
        "avx512" or "avx-512" => SimdPath.Vector512,
        "avx2" => SimdPath.Vector256,
        "neon" or "sse" => SimdPath.Vector128,
        "scalar" => SimdPath.Scalar,
        _ => null,
    };

    /// <summary>AVX-512's FMA rate over AVX2's on this thread: best of three alternating rounds of about 0.3 ms each.</summary>
    private static double MeasureWideSpeedup()
    {
        const long iterations = 100_000;
        double narrow = 0, wide = 0;
        for (int round = 0; round < 3; round++)
        {
            narrow = Math.Max(narrow, FmaLoop.Rate<Lanes256, Vector256<float>>(iterations));
            wide = Math.Max(wide, FmaLoop.Rate<Lanes512, Vector512<float>>(iterations));
        }
        return wide / narrow;
    }
}
