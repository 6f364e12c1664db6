using VaePipeline.ElfVersionPatch;

// usage: VaePipeline.ElfVersionPatch SHIPPED OUTPUT
// Makes OUTPUT, the copy of TorchSharp's libLibTorchSharp.so (SHIPPED) to use in place of it, when this system's
// libstdc++ lacks GLIBCXX_3.4.32; otherwise removes OUTPUT so the build copies the library as shipped. Prints one line
// when it writes the copy, and nothing when the copy is already there or not needed.
const string Needed = "GLIBCXX_3.4.32";
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: VaePipeline.ElfVersionPatch SHIPPED OUTPUT");
    return 2;
}
string shipped = args[0], output = args[1];
try
{
    var system = SystemLibStdCxx.Loaded();
    if (system is null) return AsShipped(output);
    var defined = ElfVersions.Read(File.ReadAllBytes(system), system).Defined.ToHashSet();
    if (defined.Contains(Needed)) return AsShipped(output);

    var library = File.ReadAllBytes(shipped);
    var missing = ElfVersions.Read(library, shipped).Needed
        .Where(n => n.File == "libstdc++.so.6" && n.Name != Needed && !defined.Contains(n.Name)).Select(n => n.Name).ToList();
    if (missing.Count > 0)
    {
        Console.WriteLine($"libLibTorchSharp.so: {system} lacks {string.Join(", ", missing)} as well as {Needed}; marking {Needed} " +
                          "weak would not make it load, so it is copied as shipped and the torch engine will not load on this system");
        return AsShipped(output);
    }
    WeakVersionPatch.Apply(library, Needed, shipped);
    if (File.Exists(output) && File.ReadAllBytes(output).AsSpan().SequenceEqual(library)) return 0;

    Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output))!);
    string temporary = $"{output}.{Environment.ProcessId}.tmp"; // parallel builds may run this at once: the rename is atomic
    File.WriteAllBytes(temporary, library);
    File.Move(temporary, output, overwrite: true);
    Console.WriteLine($"libLibTorchSharp.so: this system's {system} (newest {Newest(defined)}) lacks {Needed}, which TorchSharp's " +
                      $"native library asks for only for the link anchor _ZSt21ios_base_library_initv (GCC 13), so the loader would " +
                      $"refuse it; the build uses a copy with that one requirement marked weak: {output} (the package is untouched)");
    return 0;
}
catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
{
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}

static int AsShipped(string output)
{
    File.Delete(output);
    return 0;
}

static string Newest(IEnumerable<string> defined) =>
    defined.Where(n => n.StartsWith("GLIBCXX_", StringComparison.Ordinal))
        .MaxBy(n => Version.TryParse(n["GLIBCXX_".Length..], out var v) ? v : new Version()) ?? "no GLIBCXX version";
