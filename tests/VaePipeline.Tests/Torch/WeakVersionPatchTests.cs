using System.Reflection;
using VaePipeline.ElfVersionPatch;

namespace VaePipeline.Tests.Torch;

/// <summary>The libstdc++ step's patcher, on TorchSharp's real native library and on bad input.</summary>
public class WeakVersionPatchTests
{
    private const string Version = "GLIBCXX_3.4.32";

    private static readonly string Shipped = typeof(WeakVersionPatchTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "ShippedLibTorchSharp").Value!;

    [Fact]
    public void Marks_only_the_glibcxx_3_4_32_requirement_weak_and_rerunning_changes_nothing()
    {
        var original = File.ReadAllBytes(Shipped);
        var before = ElfVersions.Read(original, Shipped);
        var need = before.Needed.Single(n => n.Name == Version);
        Assert.Equal("libstdc++.so.6", need.File);
        Assert.False(need.IsWeak);
        Assert.Contains(before.Needed, n => n.Name == "GLIBCXX_3.4.26" && n.File == "libstdc++.so.6");

        var copy = (byte[])original.Clone();
        Assert.Equal(PatchOutcome.Patched, WeakVersionPatch.Apply(copy, Version, "copy"));

        var changed = Enumerable.Range(0, copy.Length).Where(i => copy[i] != original[i]).ToArray();
        Assert.Equal([need.FlagsOffset], changed.Select(i => (long)i)); // VER_FLG_WEAK is bit 1 of the low byte
        Assert.Equal(need.Flags | ElfVersions.VerFlagWeak, BitConverter.ToUInt16(copy, (int)need.FlagsOffset));
        var after = ElfVersions.Read(copy, "copy");
        Assert.Equal(before.Needed.Select(n => n.Name == Version ? n with { Flags = (ushort)(n.Flags | ElfVersions.VerFlagWeak) } : n), after.Needed);

        var again = (byte[])copy.Clone();
        Assert.Equal(PatchOutcome.AlreadyWeak, WeakVersionPatch.Apply(again, Version, "copy"));
        Assert.Equal(copy, again);
    }

    [Fact]
    public void Reads_the_version_definitions_of_a_libstdcxx()
    {
        // The step decides by these: whether the loaded libstdc++ defines GLIBCXX_3.4.32.
        var path = new[] { "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/lib64/libstdc++.so.6" }.First(File.Exists);
        var defined = ElfVersions.Read(File.ReadAllBytes(path), path).Defined;
        Assert.Contains("GLIBCXX_3.4", defined);
        Assert.Contains("GLIBCXX_3.4.26", defined);
        Assert.Contains("CXXABI_1.3", defined);
        Assert.DoesNotContain(ElfVersions.Read(File.ReadAllBytes(Shipped), Shipped).Defined, d => d.StartsWith("GLIBCXX", StringComparison.Ordinal));
    }

    [Fact]
    public void The_build_copies_the_patched_library_exactly_when_this_libstdcxx_lacks_the_version()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "libLibTorchSharp.so");
        var loaded = SystemLibStdCxx.Loaded()!;
        bool lacks = !ElfVersions.Read(File.ReadAllBytes(loaded), loaded).Defined.Contains(Version);
        var copied = ElfVersions.Read(File.ReadAllBytes(path), path).Needed.Single(n => n.Name == Version);
        Assert.Equal(lacks, copied.IsWeak);
        if (!lacks) Assert.Equal(File.ReadAllBytes(Shipped), File.ReadAllBytes(path));
    }

    [Fact]
    public void A_file_that_is_not_elf_is_refused()
    {
        var e = Assert.Throws<InvalidDataException>(() => WeakVersionPatch.Apply("not a shared object at all, just text......................................."u8.ToArray(), Version, "notes.txt"));
        Assert.Equal("notes.txt is not an ELF file", e.Message);
    }

    [Fact]
    public void A_library_without_the_entry_is_refused_naming_what_it_needs()
    {
        var copy = File.ReadAllBytes(Shipped);
        var e = Assert.Throws<InvalidDataException>(() => WeakVersionPatch.Apply(copy, "GLIBCXX_9.9", "lib.so"));
        Assert.StartsWith("lib.so does not need version GLIBCXX_9.9 (it needs: ", e.Message);
        Assert.Contains(Version, e.Message);
        Assert.Equal(File.ReadAllBytes(Shipped), copy);
    }

    [Fact]
    public void A_truncated_library_is_refused()
    {
        var head = File.ReadAllBytes(Shipped)[..4096];
        var e = Assert.Throws<InvalidDataException>(() => WeakVersionPatch.Apply(head, Version, "head.so"));
        Assert.StartsWith("head.so is truncated:", e.Message);
    }
}
