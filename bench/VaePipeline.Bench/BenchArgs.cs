namespace VaePipeline.Bench;

/// <summary>The benchmarks' few options: "--name value" pairs after the benchmark's name.</summary>
internal static class BenchArgs
{
    /// <summary>The value after <paramref name="name"/>, or null when the option is absent.</summary>
    public static string? Value(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>
    /// A path inside the repository (<paramref name="parts"/> from the folder holding VaePipeline.sln, found by walking
    /// up from the benchmark's build folder), the default home of the committed model and, through "..", of shared/.
    /// </summary>
    public static string InRepository(params string[] parts)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VaePipeline.sln")))
                return Path.GetFullPath(Path.Combine([dir.FullName, .. parts]));
        throw new DirectoryNotFoundException($"no VaePipeline.sln above {AppContext.BaseDirectory}; name the file with an option");
    }
}
