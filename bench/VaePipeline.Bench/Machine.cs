namespace VaePipeline.Bench;

/// <summary>What the benchmarks print about the machine beside their numbers.</summary>
internal static class Machine
{
    /// <summary>The one-minute load average: other work on the cores, which every comparison here must be read against.</summary>
    public static string LoadAverage() => File.ReadAllText("/proc/loadavg").Split(' ')[0];
}
