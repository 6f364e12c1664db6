using System.Reflection;
using System.Runtime.InteropServices;
using ILGPU.Runtime.Cuda;

namespace VaePipeline.Training.Engine.Gpu;

/// <summary>
/// Finds libcublas for ILGPU.Algorithms, which asks only for libcublas.so.10, .11 or .12 while CUDA 13 machines have
/// libcublas.so.13 (cuBLAS's v2 API, all this backend calls, is the same in each). A DllImport resolver on that
/// assembly maps whatever cuBLAS name it asks for to the newest libcublas found here, in this order: CUDA_HOME,
/// CUDA_PATH, /usr/local/cuda, LD_LIBRARY_PATH, then pip's nvidia-* packages (as PyTorch installs them).
/// </summary>
internal static class CuBlasLibrary
{
    private static readonly string[] Versions = ["13", "12", "11"];
    private static readonly object Gate = new();
    private static string? _installed; // the path the resolver maps to, once set

    /// <summary>The libcublas path in use, or null with <paramref name="reason"/> naming what was looked for and where.</summary>
    public static string? Install(out string reason)
    {
        lock (Gate)
        {
            reason = "";
            if (_installed is not null) return _installed;
            var folders = Folders().Distinct().ToArray();
            foreach (var version in Versions)
                foreach (var folder in folders)
                {
                    string path = Path.Combine(folder, $"libcublas.so.{version}");
                    if (!File.Exists(path)) continue;
                    // libcublas needs libcublasLt of its version; loading that first from the same folder lets the
                    // dynamic linker find it by its soname even where the folder is not on the search path.
                    string lt = Path.Combine(folder, $"libcublasLt.so.{version}");
                    if (File.Exists(lt) && !NativeLibrary.TryLoad(lt, out _)) continue;
                    if (!NativeLibrary.TryLoad(path, out var handle)) continue;
                    NativeLibrary.SetDllImportResolver(typeof(CuBlas).Assembly, (name, _, _) => Resolve(name, handle));
                    return _installed = path;
                }
            reason = $"no libcublas (looked for libcublas.so.{string.Join("/.", Versions)} in {(folders.Length == 0 ? "no folder" : string.Join(", ", folders))})";
            return null;
        }
    }

    private static IntPtr Resolve(string name, IntPtr handle) =>
        name.Contains("cublas", StringComparison.OrdinalIgnoreCase) ? handle : IntPtr.Zero;

    private static IEnumerable<string> Folders()
    {
        foreach (var variable in new[] { "CUDA_HOME", "CUDA_PATH" })
            if (Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root)
            {
                yield return Path.Combine(root, "lib64");
                yield return Path.Combine(root, "lib");
            }
        yield return "/usr/local/cuda/lib64";
        foreach (var folder in (Environment.GetEnvironmentVariable("LD_LIBRARY_PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
            yield return folder;
        foreach (var sitePackages in SitePackages())
            foreach (var package in SafeDirectories(Path.Combine(sitePackages, "nvidia")))
                yield return Path.Combine(package, "lib"); // nvidia/cublas/lib (CUDA 12 wheels), nvidia/cu13/lib (CUDA 13)
    }

    /// <summary>Where pip puts packages: a virtual environment or conda prefix, the user's site, the system's.</summary>
    private static IEnumerable<string> SitePackages()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var prefixes = new[] { Environment.GetEnvironmentVariable("VIRTUAL_ENV"), Environment.GetEnvironmentVariable("CONDA_PREFIX"),
                               Path.Combine(home, ".local"), "/usr/local", "/usr", "/opt/conda" };
        foreach (var prefix in prefixes.Where(p => !string.IsNullOrEmpty(p)))
            foreach (var python in SafeDirectories(Path.Combine(prefix!, "lib")).Where(d => Path.GetFileName(d).StartsWith("python3", StringComparison.Ordinal)))
            {
                yield return Path.Combine(python, "site-packages");
                yield return Path.Combine(python, "dist-packages");
            }
    }

    private static string[] SafeDirectories(string folder)
    {
        try { return Directory.Exists(folder) ? Directory.GetDirectories(folder) : []; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }
}
