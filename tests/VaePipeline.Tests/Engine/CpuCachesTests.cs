using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

/// <summary>The cache sizes the GEMM's blocking is sized from: sysfs's notation, and this machine's answer.</summary>
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

    [Fact]
    public void ThisMachinesL2IsWhatSysfsSaysOrTheDefault()
    {
        const string size = "/sys/devices/system/cpu/cpu0/cache/index2/size";
        int expected = File.Exists(size) ? CpuCaches.Parse(File.ReadAllText(size))!.Value : 1 << 20;
        Assert.Equal(expected, CpuCaches.L2Bytes);
    }
}
