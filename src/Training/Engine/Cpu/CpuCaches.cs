using System.Globalization;
using System.Runtime.Intrinsics.X86;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The size of this machine's per-core L2 cache, which sets how much of each matrix the GEMM packs at a time.
/// Read from Linux's sysfs for CPU 0 (the cores of the machines we meet are alike); where sysfs has no cache folder
/// (seen in virtual machines), from the CPU's own CPUID leaves; where neither says, the common modern size.
/// </summary>
internal static class CpuCaches
{
    private const string Folder = "/sys/devices/system/cpu/cpu0/cache";

    /// <summary>Bytes of level-2 cache per core: 512 KB on Zen 3, 1 MB on Zen 4 and Zen 5, 2 MB on recent Intel cores.</summary>
    public static int L2Bytes { get; } = Read(level: 2) ?? ReadCpuId(level: 2) ?? 1 << 20;

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

    /// <summary>
    /// The level-<paramref name="level"/> data or unified cache as CPUID describes it: the deterministic cache leaves
    /// (Intel's 4, AMD's 0x8000001D), then for the L2 the older leaf 0x80000006 (AMD's, which Intel also fills). Null
    /// off x64 or where every leaf is empty, as a hypervisor may leave them.
    /// </summary>
    private static int? ReadCpuId(int level)
    {
        if (!X86Base.IsSupported)
            return null;
        const uint Extended = 0x80000000, AmdDeterministic = 0x8000001D, L2Leaf = 0x80000006;
        uint maxBasic = CpuId(0, 0).Eax, maxExtended = CpuId(Extended, 0).Eax;
        foreach (uint leaf in new[] { 4u, AmdDeterministic })
        {
            if ((leaf < Extended ? maxBasic : maxExtended) < leaf)
                continue;
            for (uint index = 0; index < 16; index++)
            {
                var (eax, ebx, ecx) = CpuId(leaf, index);
                if ((eax & 0x1F) == 0)
                    break;
                if (DeterministicSize(level, eax, ebx, ecx) is int size)
                    return size;
            }
        }
        return level == 2 && maxExtended >= L2Leaf ? L2LeafSize(CpuId(L2Leaf, 0).Ecx) : null;
    }

    private static (uint Eax, uint Ebx, uint Ecx) CpuId(uint leaf, uint index)
    {
        var (eax, ebx, ecx, _) = X86Base.CpuId(unchecked((int)leaf), unchecked((int)index));
        return ((uint)eax, (uint)ebx, (uint)ecx);
    }

    /// <summary>
    /// One subleaf of a deterministic cache leaf: its size if it is a level-<paramref name="level"/> data (type 1) or
    /// unified (type 3) cache, else null. Size = ways × partitions × line bytes × sets, each field stored minus one.
    /// </summary>
    internal static int? DeterministicSize(int level, uint eax, uint ebx, uint ecx)
    {
        uint type = eax & 0x1F;
        if ((eax >> 5 & 7) != level || (type != 1 && type != 3))
            return null;
        ulong size = (ulong)((ebx >> 22) + 1) * ((ebx >> 12 & 0x3FF) + 1) * ((ebx & 0xFFF) + 1) * ((ulong)ecx + 1);
        return size <= 1 << 30 ? (int)size : null;
    }

    /// <summary>The L2 in KB in bits 31–16 of ECX of leaf 0x80000006; null where the field is 0.</summary>
    internal static int? L2LeafSize(uint ecx)
    {
        int kilobytes = (int)(ecx >> 16);
        return kilobytes > 0 ? kilobytes << 10 : null;
    }
}
