namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// One thread's packing buffers, allocated the first time that thread runs a GEMM and reused by every later
/// call. They are pinned managed arrays rather than native memory so that a thread that goes away takes its
/// buffers with it.
/// </summary>
internal sealed unsafe class GemmScratch
{
    /// <summary>
    /// The level-2 cache the blocks are sized for: this core's, within 256 KB–4 MB so that a block always holds a
    /// full-depth micro-panel and an odd report cannot ask for a huge buffer.
    /// </summary>
    public static readonly int L2Bytes = Math.Clamp(CpuCaches.L2Bytes, 256 << 10, 4 << 20);

    /// <summary>Floats in the packed A block (MC × KC, when A needs packing): a quarter of L2 (64k floats of a 1 MB L2).</summary>
    public static readonly int PackedACapacity = L2Bytes / 4 / sizeof(float);

    /// <summary>
    /// Floats in the packed B block (KC × NC): half of L2, so the panels just packed are still there when read. Only
    /// how much is packed at a time depends on the cache, never how a sum is formed (see <see cref="Sgemm"/>).
    /// </summary>
    public static readonly int PackedBCapacity = L2Bytes / 2 / sizeof(float);

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
