using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

/// <summary>The cache sizes the GEMM's blocking is sized from: sysfs's notation, CPUID's leaves, and this machine's answer.</summary>
public sealed class CpuCachesTests
{
    [Theory]
    [InlineData("512K\n", 512 * 1024)]
    [InlineData("1M", 1024 * 1024)]
    [InlineData("32768K", 32 * 1024 * 1024)]
    [InlineData("4096", 4096)]
    public void ReadsSysfsSizes(string text, int bytes) => Assert.Equal(bytes, CpuCaches.Parse(text));

    [Theory]
    [InlineData("")]
    [InlineData("K")]
    [InlineData("-1K")]
    [InlineData("0K")]
    [InlineData("1.5M")]
    [InlineData("4096M")]
    public void TreatsAnythingElseAsUnknown(string text) => Assert.Null(CpuCaches.Parse(text));

    [Theory]
    // Intel's leaf 4 (AMD's 0x8000001D has the same layout): type in EAX 4–0 (1 data, 2 instruction, 3 unified),
    // level in EAX 7–5; ways, partitions and line size in EBX, sets in ECX, each stored minus one.
    [InlineData(1, 1 | 1 << 5, 11u << 22 | 63, 63u, 48 << 10)] // Zen 5 / Golden Cove L1D: 12 ways × 64 B × 64 sets
    [InlineData(2, 3 | 2 << 5, 15u << 22 | 63, 2047u, 2 << 20)] // a unified 2 MB L2: 16 ways × 64 B × 2048 sets
    [InlineData(1, 2 | 1 << 5, 7u << 22 | 63, 63u, null)] // the L1 instruction cache is not a data cache
    [InlineData(1, 3 | 2 << 5, 15u << 22 | 63, 2047u, null)] // an L2 asked for L1
    public void ReadsCpuIdsDeterministicCacheLeaves(int level, uint eax, uint ebx, uint ecx, int? bytes) =>
        Assert.Equal(bytes, CpuCaches.DeterministicSize(level, eax, ebx, ecx));

    [Theory]
    // ECX of leaf 0x80000006 as a Zen 5 virtual machine without sysfs cache folders reports it: the L2 in KB in 31–16,
    // then associativity and line size.
    [InlineData(1024u << 16 | 0x8 << 12 | 1 << 8 | 64, 1 << 20)]
    [InlineData(512u << 16 | 0x6 << 12 | 64, 512 << 10)]
    [InlineData(0u, null)]
    public void ReadsTheOlderL2Leaf(uint ecx, int? bytes) => Assert.Equal(bytes, CpuCaches.L2LeafSize(ecx));

    [Fact]
    public void ThisMachinesCachesAreSysfsSizesWhereSysfsHasThem()
    {
        const string l2 = "/sys/devices/system/cpu/cpu0/cache/index2/size";
        if (File.Exists(l2))
            Assert.Equal(CpuCaches.Parse(File.ReadAllText(l2))!.Value, CpuCaches.L2Bytes);
        // Without them (virtual machines), CPUID's or the default: a size some core has.
        Assert.InRange(CpuCaches.L2Bytes, 256 << 10, 4 << 20);
    }
}
