using System.Runtime.InteropServices;

namespace VaePipeline.ElfVersionPatch;

public static class SystemLibStdCxx
{
    /// <summary>
    /// The libstdc++ the dynamic loader picks for a program here, or null where there is none (not Linux, or no
    /// libstdc++): the .NET runtime links it, so it is mapped into this process already (loaded by name otherwise),
    /// found by the same search a vae process makes.
    /// </summary>
    public static string? Loaded()
    {
        if (!OperatingSystem.IsLinux()) return null;
        NativeLibrary.TryLoad("libstdc++.so.6", out _);
        return File.ReadLines("/proc/self/maps")
            .Select(line => line.IndexOf('/') is var slash and >= 0 ? line[slash..] : null)
            .FirstOrDefault(path => path is not null && Path.GetFileName(path).StartsWith("libstdc++.so", StringComparison.Ordinal));
    }
}
