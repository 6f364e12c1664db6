using System.Buffers.Binary;
using System.Text;

namespace VaePipeline.ElfVersionPatch;

/// <summary>One version a shared object needs from one of its dependencies (an Elf64_Vernaux entry).</summary>
/// <param name="FlagsOffset">File offset of the entry's two-byte vna_flags field.</param>
public sealed record VersionNeed(string File, string Name, ushort Flags, long FlagsOffset)
{
    public bool IsWeak => (Flags & ElfVersions.VerFlagWeak) != 0;
}

/// <summary>
/// The GNU symbol-versioning sections of a little-endian ELF64 file: what it defines (.gnu.version_d, Elf64_Verdef)
/// and what it needs from each dependency (.gnu.version_r, Elf64_Verneed with its Elf64_Vernaux entries). Only the
/// section headers and these two sections are read; offsets are checked against the file, so a truncated or foreign
/// file is refused with <see cref="InvalidDataException"/> naming what is wrong, never read out of bounds.
/// </summary>
public sealed class ElfVersions
{
    /// <summary>VER_FLG_WEAK: the loader may run the object although the dependency lacks this version.</summary>
    public const ushort VerFlagWeak = 0x2;
    private const uint ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe;

    private ElfVersions(IReadOnlyList<string> defined, IReadOnlyList<VersionNeed> needed) { Defined = defined; Needed = needed; }

    /// <summary>The version names this object defines (a library's own, e.g. GLIBCXX_3.4.30), in file order.</summary>
    public IReadOnlyList<string> Defined { get; }

    /// <summary>Every version needed, dependency by dependency, in file order.</summary>
    public IReadOnlyList<VersionNeed> Needed { get; }

    public static ElfVersions Read(ReadOnlySpan<byte> elf, string what)
    {
        if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
            throw new InvalidDataException($"{what} is not an ELF file");
        if (elf[4] != 2 || elf[5] != 1)
            throw new InvalidDataException($"{what} is not a little-endian 64-bit ELF file (class {elf[4]}, data {elf[5]})");
        long shoff = checked((long)U64(elf, 0x28, what));
        int shentsize = U16(elf, 0x3a, what), shnum = U16(elf, 0x3c, what);
        if (shoff == 0 || shnum == 0) throw new InvalidDataException($"{what} has no section headers");
        if (shentsize < 64) throw new InvalidDataException($"{what}: section header size {shentsize} is below ELF64's 64 bytes");
        var defined = new List<string>();
        var needed = new List<VersionNeed>();
        for (int i = 0; i < shnum; i++)
        {
            long header = shoff + (long)i * shentsize;
            uint type = U32(elf, header + 4, what);
            if (type != ShtGnuVerdef && type != ShtGnuVerneed) continue;
            long offset = checked((long)U64(elf, header + 0x18, what));
            uint link = U32(elf, header + 0x28, what), count = U32(elf, header + 0x2c, what);
            long strings = StringTable(elf, shoff, shentsize, shnum, link, what);
            if (type == ShtGnuVerdef) ReadDefinitions(elf, offset, count, strings, defined, what);
            else ReadNeeds(elf, offset, count, strings, needed, what);
        }
        return new ElfVersions(defined, needed);
    }

    private static void ReadDefinitions(ReadOnlySpan<byte> elf, long at, uint count, long strings, List<string> names, string what)
    {
        for (uint i = 0; i < count; i++)
        {
            // Elf64_Verdef: vd_version, vd_flags, vd_ndx, vd_cnt (2 bytes each), vd_hash, vd_aux, vd_next (4 each).
            // The first Elf64_Verdaux (vda_name, vda_next) names the version; later ones name its parents.
            uint aux = U32(elf, at + 12, what), next = U32(elf, at + 16, what);
            if (U16(elf, at + 6, what) > 0) names.Add(Name(elf, strings, U32(elf, at + aux, what), what));
            if (next == 0) break;
            at += next;
        }
    }

    private static void ReadNeeds(ReadOnlySpan<byte> elf, long at, uint count, long strings, List<VersionNeed> needs, string what)
    {
        for (uint i = 0; i < count; i++)
        {
            // Elf64_Verneed: vn_version, vn_cnt (2 bytes each), vn_file, vn_aux, vn_next (4 each).
            int auxCount = U16(elf, at + 2, what);
            string file = Name(elf, strings, U32(elf, at + 4, what), what);
            long aux = at + U32(elf, at + 8, what);
            for (int j = 0; j < auxCount; j++)
            {
                // Elf64_Vernaux: vna_hash (4), vna_flags (2), vna_other (2), vna_name (4), vna_next (4).
                needs.Add(new VersionNeed(file, Name(elf, strings, U32(elf, aux + 8, what), what), U16(elf, aux + 4, what), aux + 4));
                uint nextAux = U32(elf, aux + 12, what);
                if (nextAux == 0) break;
                aux += nextAux;
            }
            uint next = U32(elf, at + 12, what);
            if (next == 0) break;
            at += next;
        }
    }

    /// <summary>File offset of the string table that section <paramref name="index"/> is (the sections' sh_link).</summary>
    private static long StringTable(ReadOnlySpan<byte> elf, long shoff, int shentsize, int shnum, uint index, string what)
    {
        if (index >= shnum) throw new InvalidDataException($"{what}: a version section links to section {index}, beyond the {shnum} there are");
        return checked((long)U64(elf, shoff + index * shentsize + 0x18, what));
    }

    private static string Name(ReadOnlySpan<byte> elf, long strings, uint offset, string what)
    {
        long start = strings + offset;
        if (start < 0 || start >= elf.Length) throw new InvalidDataException($"{what}: a version name lies beyond the end of the file");
        var rest = elf[(int)start..];
        int end = rest.IndexOf((byte)0);
        if (end < 0) throw new InvalidDataException($"{what}: a version name is not terminated");
        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static ReadOnlySpan<byte> At(ReadOnlySpan<byte> elf, long offset, int size, string what) =>
        offset >= 0 && offset + size <= elf.Length
            ? elf.Slice((int)offset, size)
            : throw new InvalidDataException($"{what} is truncated: {size} bytes at offset {offset} lie beyond its {elf.Length} bytes");

    private static ushort U16(ReadOnlySpan<byte> elf, long offset, string what) => BinaryPrimitives.ReadUInt16LittleEndian(At(elf, offset, 2, what));

    private static uint U32(ReadOnlySpan<byte> elf, long offset, string what) => BinaryPrimitives.ReadUInt32LittleEndian(At(elf, offset, 4, what));

    private static ulong U64(ReadOnlySpan<byte> elf, long offset, string what) => BinaryPrimitives.ReadUInt64LittleEndian(At(elf, offset, 8, what));
}
