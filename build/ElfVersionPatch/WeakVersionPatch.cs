using System.Buffers.Binary;

namespace VaePipeline.ElfVersionPatch;

public enum PatchOutcome
{
    /// <summary>The entry's VER_FLG_WEAK bit was set just now.</summary>
    Patched,
    /// <summary>The entry was weak already; nothing changed (re-running the step on its own output).</summary>
    AlreadyWeak,
}

/// <summary>
/// Marks one version that a shared object needs as weak: the loader then runs the object even where the dependency
/// lacks that version, instead of refusing to load it. Sound only where no symbol the program calls really needs the
/// version; for libLibTorchSharp.so and GLIBCXX_3.4.32 the one such symbol is <c>_ZSt21ios_base_library_initv</c>, a
/// link anchor GCC 13 adds to every object that includes &lt;iostream&gt; (README, "TorchSharp engine").
/// </summary>
public static class WeakVersionPatch
{
    /// <summary>
    /// Sets VER_FLG_WEAK in the vna_flags of the entry named <paramref name="version"/> in <paramref name="elf"/>, in
    /// place, and verifies by parsing the result again that exactly that field changed. Throws
    /// <see cref="InvalidDataException"/> when the file is not ELF64 or needs no such version (or more than one).
    /// </summary>
    public static PatchOutcome Apply(byte[] elf, string version, string what)
    {
        var entry = Single(ElfVersions.Read(elf, what), version, what);
        if (entry.IsWeak) return PatchOutcome.AlreadyWeak;

        var before = (byte[])elf.Clone();
        BinaryPrimitives.WriteUInt16LittleEndian(elf.AsSpan((int)entry.FlagsOffset, 2), (ushort)(entry.Flags | ElfVersions.VerFlagWeak));

        var after = ElfVersions.Read(elf, what);
        var patched = Single(after, version, what);
        if (!patched.IsWeak || patched.FlagsOffset != entry.FlagsOffset)
            throw new InvalidDataException($"{what}: after the patch {version} does not read back as weak");
        var original = ElfVersions.Read(before, what).Needed;
        for (int i = 0; i < original.Count; i++)
            if (original[i] != after.Needed[i] && original[i] != entry)
                throw new InvalidDataException($"{what}: the patch changed {after.Needed[i].Name} as well as {version}");
        int changed = 0;
        for (int i = 0; i < elf.Length; i++)
        {
            if (elf[i] == before[i]) continue;
            if (i < entry.FlagsOffset || i >= entry.FlagsOffset + 2)
                throw new InvalidDataException($"{what}: the patch changed byte {i}, outside {version}'s vna_flags");
            changed++;
        }
        if (changed == 0) throw new InvalidDataException($"{what}: the patch changed nothing");
        return PatchOutcome.Patched;
    }

    private static VersionNeed Single(ElfVersions versions, string version, string what)
    {
        var matches = versions.Needed.Where(n => n.Name == version).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new InvalidDataException($"{what} does not need version {version} (it needs: " +
                                                $"{(versions.Needed.Count == 0 ? "no versions" : string.Join(", ", versions.Needed.Select(n => n.Name).Distinct()))})"),
            _ => throw new InvalidDataException($"{what} needs version {version} from {matches.Count} dependencies; expected one"),
        };
    }
}
