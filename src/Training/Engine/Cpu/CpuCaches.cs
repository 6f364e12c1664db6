using System.Globalization;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The sizes of this machine's per-core data caches, which set how much of each matrix the GEMM packs at a time.
/// Read from Linux's sysfs for CPU 0 (the cores of the machines we meet are alike); where it says nothing, the
/// common modern sizes.
/// </summary>
internal static class CpuCaches
{
    private const string Folder = "/sys/devices/system/cpu/cpu0/cache";

    /// <summary>Bytes of level-1 data cache per core: 32 KB on Zen 1 to Zen 4, 48 KB on Zen 5 and recent Intel cores.</summary>
    public static int L1DataBytes { get; } = Read(level: 1) ?? 32 << 10;

    /// <summary>Bytes of level-2 cache per core: 512 KB on Zen 3, 1 MB on Zen 4 and Zen 5, 2 MB on recent Intel cores.</summary>
    public static int L2Bytes { get; } = Read(level: 2) ?? 1 << 20;

    /// <summary>The size of the level-<paramref name="level"/> data or unified cache, or null when sysfs does not say.</summary>
    private static int? Read(int level)
    {
        try
        {
            foreach (string index in Directory.EnumerateDirectories(Folder, "index*"))
            {
                if (File.ReadAllText(Path.Combine(index, "level")).Trim() != $"{level}" ||
                    File.ReadAllText(Path.Combine(index, "type")).Trim() == "Instruction")
                    continue;
                return Parse(File.ReadAllText(Path.Combine(index, "size")));
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }

    /// <summary>sysfs writes sizes as "512K" or "1M"; anything else is treated as unknown.</summary>
    internal static int? Parse(string size)
    {
        string text = size.Trim();
        int scale = text.EndsWith('K') ? 1 << 10 : text.EndsWith('M') ? 1 << 20 : 1;
        if (scale > 1) text = text[..^1];
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value > 0 && value <= (1 << 30) / scale
            ? value * scale
            : null;
    }
}
