namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// One thread's packing buffers, allocated the first time that thread runs a GEMM and reused by every later
/// call. They are pinned managed arrays rather than native memory so that a thread that goes away takes its
/// buffers with it.
/// </summary>
internal sealed unsafe class GemmScratch
{
    /// <summary>Floats in the packed A block (MC × KC, when A needs packing): a quarter of the 1 MB L2.</summary>
    public const int PackedACapacity = 64 * 1024;

    /// <summary>Floats in the packed B block (KC × NC): half of L2, so the panels just packed are still there when read.</summary>
    public const int PackedBCapacity = 128 * 1024;

    /// <summary>Floats in the edge-tile buffer: room for one tile of the widest path.</summary>
    private const int EdgeCapacity = MicroKernel.Rows * 2 * 16;

    /// <summary>Every float* below is aligned to 64 bytes, one cache line and one zmm register.</summary>
    private const int AlignFloats = 16;

    [ThreadStatic] private static GemmScratch? t_current;

    private readonly float[] _storage;

    private GemmScratch()
    {
        _storage = GC.AllocateUninitializedArray<float>(PackedACapacity + PackedBCapacity + EdgeCapacity + AlignFloats, pinned: true);
        fixed (float* start = _storage)
        {
            float* aligned = (float*)(((nint)start + 63) & ~(nint)63);
            PackedA = aligned;
            PackedB = aligned + PackedACapacity;
            Edge = PackedB + PackedBCapacity;
        }
    }

    public static GemmScratch ForCurrentThread => t_current ??= new GemmScratch();

    public float* PackedA { get; }

    public float* PackedB { get; }

    /// <summary>Where a tile that overhangs C is computed before its in-range part is merged into C.</summary>
    public float* Edge { get; }
}
