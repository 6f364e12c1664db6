namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The arguments of one <see cref="Sgemm.Multiply"/> call and how its output is split into units of work, bands of
/// whole tiles of C (ranges of columns or of rows). A unit computes every element of its band over the full depth, so
/// which thread computes an element never changes how its sum is formed; that leaves a thread that has finished its
/// own units free to take another's (<see cref="WorkQueues"/>).
/// </summary>
internal unsafe struct GemmJob
{
    /// <summary>
    /// The bounds of the longest stretch of k multiplied per packed block (KC). Within them it follows the core's L2
    /// (<see cref="Plan"/>); every element is one chain of fused multiply-adds over all of k however k is cut
    /// (<see cref="MicroKernel.Tile{TLanes,TVector}"/>), so the blocks change no bit of any product.
    /// </summary>
    public const int MinDepthBlock = 128, MaxDepthBlock = 1024;

    /// <summary>
    /// The B micro-panel (KC × the tile's width) may take a tenth of the L2: deeper blocks mean fewer passes over C's
    /// partial sums, and the kernel streams the panel from L2 at full speed; it need not fit the L1. Measured on Zen 5
    /// (48 KB L1D, 1 MB L2; depth limits alternating in one process, two threads): the five K&amp;W products took
    /// 1,162 µs in one block of 784 against 1,179 in two of 392 and 1,230 in three of 262 (AVX-512; AVX2 likewise,
    /// 2,071 / 2,098 / 2,182 µs in one / two / four blocks); hidden 2,000 (k up to 2,000) ran best at 667–1,000, and
    /// at batch 1,000 the weight gradients (k = 1,000) 6–8 % slower in one block than in two of 500.
    /// </summary>
    private static readonly int PanelBytes = GemmScratch.L2Bytes / 10;

    /// <summary>
    /// Below this much work per thread, handing a part to another thread costs about what it saves: the
    /// hand-off to a spinning worker takes ~0.3 µs, and 200 kFLOP ~1 µs of a core's time. Measured here,
    /// 100×4×500 (0.4 MFLOP) takes 14 µs on one thread and 9.5 µs on two.
    /// </summary>
    private const double MinWorkPerThread = 2e5;

    /// <summary>
    /// What writing one element of C costs, in flops of the same time, on the low side: a product with a shallow k is
    /// mostly tiles stored (100×500×2, 0.2 MFLOP, took 13 µs on one thread, about 50 flops' time per element).
    /// </summary>
    private const double WorkPerOutput = 32;

    /// <summary>
    /// The least work in a unit, about 5 µs of a core (1 MFLOP at ~200 GFLOP/s): taking a unit is a compare-and-swap,
    /// ~10 ns on a line the thread owns and ~0.1 µs on another's, while a core that finishes first waits at most one
    /// unit for the other.
    /// </summary>
    private const double MinWorkPerUnit = 1e6;

    public bool TransA;
    public bool TransB;
    public int M;
    public int N;
    public int K;
    public float Alpha;
    public float Beta;
    public float* A;
    public float* B;
    public float* C;
    public int Lda;
    public int Ldb;
    public int Ldc;

    /// <summary>Whether the job computes Cᵀ = op(B)ᵀ · op(A)ᵀ: C[i, j] is then stored at C + j · Ldc + i.</summary>
    public bool TransposedC;

    /// <summary>Number of threads that work on the job, each with a contiguous run of units of its own.</summary>
    public int Parts;

    /// <summary>Number of bands the output is split into (at least <see cref="Parts"/>).</summary>
    public int Units;

    /// <summary>Who takes which unit (<see cref="ShareUnits"/>).</summary>
    private WorkQueues _queues;

    /// <summary>The depth block KC: k cut into equal blocks, each no deeper than <see cref="PanelBytes"/> allows.</summary>
    public int DepthBlock;

    /// <summary>Whether units are bands of columns (each reads all of A, or packs it) or of rows (each thread packs all of B).</summary>
    public bool SplitColumns;

    /// <summary>
    /// Chooses the orientation, <see cref="DepthBlock"/> (from <paramref name="depthLimit"/> when it is not 0, as the
    /// tests ask), then <see cref="Parts"/> and <see cref="SplitColumns"/> for at most <paramref name="threads"/>
    /// threads and tiles <paramref name="tileColumns"/> wide.
    /// </summary>
    public void Plan(int threads, int tileColumns, int depthLimit)
    {
        int limit = depthLimit > 0 ? depthLimit
            : Math.Clamp(PanelBytes / (tileColumns * sizeof(float)), MinDepthBlock, MaxDepthBlock);
        DepthBlock = DivideRoundingUp(K, DivideRoundingUp(K, limit));

        // An output far narrower than a tile (n = 2 in a 32-wide tile) would be mostly zero padding. Computing
        // Cᵀ = op(B)ᵀ · op(A)ᵀ puts m across the tiles instead, and gives the same bits: every element is the
        // same chain of fused multiply-adds, as a·b and b·a round identically.
        if (2 * PaddedArea(N, M, tileColumns) <= PaddedArea(M, N, tileColumns))
        {
            (TransA, TransB, TransposedC) = (!TransB, !TransA, true);
            (M, N, Lda, Ldb) = (N, M, Ldb, Lda);
            float* a = A;
            A = B;
            B = a;
        }

        // The work the threads will do: every tile's multiply-adds, the padding of a narrow output included
        // (100×2×500 computes 6-row tiles for its 2 rows), and the stores of C.
        double work = 2.0 * K * PaddedArea(M, N, tileColumns) + WorkPerOutput * M * N;
        threads = (int)Math.Clamp(work / MinWorkPerThread, 1, threads);
        int columnTiles = DivideRoundingUp(N, tileColumns);
        int rowTiles = DivideRoundingUp(M, MicroKernel.Rows);
        // Bands of columns let every thread read an untransposed A in place. A transposed A (the weight gradients,
        // dW = dyᵀ·x) is packed either way, so those split by rows: each thread then writes one contiguous stretch of
        // whole rows of C, and no cache line of it is written by both cores, as the lines where two column bands
        // meet are when C's rows do not start on a line (500 floats). Measured on the K&W shapes: the two weight
        // gradients and the five products in turn 1-2 % faster.
        bool rowsForTransposedA = TransA && !TransposedC && rowTiles >= threads;
        SplitColumns = !rowsForTransposedA && (columnTiles >= threads || columnTiles >= rowTiles);
        int bandTiles = SplitColumns ? columnTiles : rowTiles;
        Parts = Math.Min(threads, bandTiles);

        // A core that runs slower than the other (a busy hyperthread sibling, another tenant's VM, a frequency step, an
        // efficiency core) would leave a fixed half-and-half split waiting for it: measured on a 2-vCPU Zen 5 VM, one
        // core often finished its half of a K&W product 30 µs (13 %) after the other. Smaller units let the faster core
        // take over the slower one's last. Only where no thread packs or fetches anything twice that way: bands of
        // columns read A in place unless it is transposed, and each unit streams all of it, so A must stay in the L2
        // (half of it; batch 1,000's 3.1 MB X would come from the L3 once per tile column instead of once per block);
        // bands of rows reuse the packed B when it is one block.
        double workPerTile = 2.0 * K * MicroKernel.Rows * tileColumns * (SplitColumns ? rowTiles : columnTiles);
        bool aInL2 = !TransA && (long)M * K * sizeof(float) <= GemmScratch.L2Bytes / 2;
        bool oneBBlock = DepthBlock == K && (long)DepthBlock * columnTiles * tileColumns <= GemmScratch.PackedBCapacity;
        bool shareable = Parts > 1 && (SplitColumns ? aInL2 : oneBBlock);
        int unitTiles = (int)Math.Ceiling(MinWorkPerUnit / workPerTile);
        Units = shareable ? Math.Max(Parts, DivideRoundingUp(bandTiles, unitTiles)) : Parts;
    }

    /// <summary>
    /// Deals the units out to the parts in contiguous runs (<see cref="WorkQueues"/>), so that two threads write side by
    /// side in C only where their runs meet; <paramref name="storage"/> holds <see cref="WorkQueues.Storage"/>(Parts)
    /// longs and outlives the job's run.
    /// </summary>
    public void ShareUnits(long* storage) => _queues = new WorkQueues(storage, Units, Parts);

    /// <summary>Elements computed for a rows × columns output, counting the padding of overhanging tiles.</summary>
    private static long PaddedArea(int rows, int columns, int tileColumns) =>
        (long)DivideRoundingUp(rows, MicroKernel.Rows) * MicroKernel.Rows * DivideRoundingUp(columns, tileColumns) * tileColumns;

    /// <summary>The unit-th band of whole tiles out of <paramref name="extent"/>, as a half-open range.</summary>
    private readonly (int Start, int End) Band(int extent, int tile, int unit)
    {
        int tiles = DivideRoundingUp(extent, tile);
        int first = (int)((long)tiles * unit / Units);
        int last = (int)((long)tiles * (unit + 1) / Units);
        return (Math.Min(first * tile, extent), Math.Min(last * tile, extent));
    }

    /// <summary>
    /// Entry point for <see cref="WorkerTeam"/>: computes the units of <paramref name="part"/>'s run in the job at
    /// <paramref name="job"/>, then those the other parts have not started, from the far end of their runs.
    /// </summary>
    public static void RunPart<TLanes, TVector>(void* job, int part)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        var j = (GemmJob*)job;
        var packedB = PackedBlock.None;
        for (int unit; (unit = j->_queues.Next(part)) >= 0;)
            j->Run<TLanes, TVector>(unit, ref packedB);
    }

    /// <summary>
    /// The block of op(B) in a thread's scratch (first column, first step, columns), so that bands of rows after a
    /// thread's first reuse the block it packed.
    /// </summary>
    private readonly record struct PackedBlock(int Column, int Depth, int Columns)
    {
        public static readonly PackedBlock None = new(-1, -1, -1);
    }

    private readonly void Run<TLanes, TVector>(int unit, ref PackedBlock packedB)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int nr = MicroKernel.Columns<TLanes, TVector>();
        const int mr = MicroKernel.Rows;
        (int i0, int i1) = SplitColumns ? (0, M) : Band(M, mr, unit);
        (int j0, int j1) = SplitColumns ? Band(N, nr, unit) : (0, N);
        if (i0 >= i1 || j0 >= j1)
            return;

        GemmScratch scratch = GemmScratch.ForCurrentThread;
        int depthBlock = DepthBlock;
        int columnBlock = Math.Max(nr, GemmScratch.PackedBCapacity / depthBlock / nr * nr);
        int rowBlock = Math.Max(mr, GemmScratch.PackedACapacity / depthBlock / mr * mr);

        // The Goto/BLIS loop nest: a block of op(B) packed once per (columns, depth) block, a block of op(A) per
        // rows block, then every tile of the two blocks, B micro-panel outermost so that every A micro-panel reuses it.
        for (int jc = j0; jc < j1; jc += columnBlock)
        {
            int nc = Math.Min(columnBlock, j1 - jc);
            for (int pc = 0; pc < K; pc += depthBlock)
            {
                int kc = Math.Min(depthBlock, K - pc);
                bool resume = pc > 0, final = pc + kc == K;
                if (packedB != new PackedBlock(jc, pc, nc))
                {
                    PackB<TLanes, TVector>(pc, kc, jc, nc, scratch.PackedB);
                    packedB = new PackedBlock(jc, pc, nc);
                }
                for (int ic = i0; ic < i1; ic += rowBlock)
                {
                    int mc = Math.Min(rowBlock, i1 - ic);
                    if (TransA)
                        PackA<TLanes, TVector>(ic, mc, pc, kc, scratch.PackedA);
                    MultiplyBlock<TLanes, TVector>(ic, mc, jc, nc, pc, kc, resume, final, scratch);
                }
            }
        }
    }

    /// <summary>
    /// Every tile of the blocks: op(A)[ic.., pc..] · op(B)[pc.., jc..] added to the partial sums in C[ic.., jc..] (from
    /// zero unless <paramref name="resume"/>); on the <paramref name="final"/> block, C = Alpha · sum + Beta · C.
    /// </summary>
    private readonly void MultiplyBlock<TLanes, TVector>(int ic, int mc, int jc, int nc, int pc, int kc, bool resume, bool final, GemmScratch scratch)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int nr = MicroKernel.Columns<TLanes, TVector>();
        const int mr = MicroKernel.Rows;
        nint rowStep = TransposedC ? 1 : Ldc, columnStep = TransposedC ? Ldc : 1;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int columns = Math.Min(nr, nc - jr);
            float* b = scratch.PackedB + jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                // Untransposed rows already run along k, so the kernel's broadcasts just follow six sequential streams;
                // packing them would be a transpose costing ~8% of the multiply, paid by every thread (the tile past A's
                // last row reads that row again, MicroKernel.Tile). A transposed A (a cheap contiguous copy that reads
                // better packed) is packed.
                float* a = TransA ? scratch.PackedA + ir * kc : A + (nint)(ic + ir) * Lda + pc;
                nint aRowStride = TransA ? 1 : Lda, aDepthStride = TransA ? mr : 1;

                float* c = C + (ic + ir) * rowStep + (jc + jr) * columnStep;
                if (rows == mr && columns == nr && !TransposedC)
                {
                    MicroKernel.Tile<TLanes, TVector>(kc, a, aRowStride, aDepthStride, rows, b, c, Ldc, resume, final, Alpha, Beta);
                }
                else
                {
                    if (resume)
                        LoadEdge(scratch.Edge, nr, rows, columns, c, rowStep, columnStep);
                    MicroKernel.Tile<TLanes, TVector>(kc, a, aRowStride, aDepthStride, rows, b, scratch.Edge, nr, resume, final: false, 1f, 0f);
                    if (!TransposedC)
                        MergeRows<TLanes, TVector>(scratch.Edge, rows, columns, c, final);
                    else
                        MergeEdge(scratch.Edge, nr, rows, columns, c, rowStep, columnStep, final);
                }
            }
        }
    }

    /// <summary>
    /// <see cref="MergeEdge"/> for a tile stored untransposed (it overhangs C's last rows or columns): each of its first
    /// <paramref name="rows"/> rows goes into C a vector at a time through the kernel's own store, and the columns past
    /// the last whole vector (4 of the 20 that 500 leaves past 15 tiles of 32) one at a time.
    /// </summary>
    private readonly void MergeRows<TLanes, TVector>(float* tile, int rows, int columns, float* c, bool final)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int width = TLanes.Count, vectors = columns / width * width;
        TVector alpha = TLanes.Broadcast(Alpha), beta = TLanes.Broadcast(Beta);
        bool scale = final && Alpha != 1f, accumulate = final && Beta != 0f;
        for (int r = 0; r < rows; r++, tile += 2 * width, c += Ldc)
        {
            for (int j = 0; j < vectors; j += width)
                MicroKernel.Store<TLanes, TVector>(c + j, TLanes.Load(tile + j), alpha, beta, scale, accumulate);
            for (int j = vectors; j < columns; j++)
                c[j] = Merged(tile[j], c + j, final);
        }
    }

    /// <summary>Stores the in-range corner of a tile computed aside into C stored transposed, element by element.</summary>
    private readonly void MergeEdge(float* tile, int tileStride, int rows, int columns, float* c, nint rowStep, nint columnStep, bool final)
    {
        for (int r = 0; r < rows; r++, tile += tileStride, c += rowStep)
        {
            for (int j = 0; j < columns; j++)
                c[j * columnStep] = Merged(tile[j], c + j * columnStep, final);
        }
    }

    /// <summary>
    /// What C keeps of an element computed aside: the partial sum as it is, or on the <paramref name="final"/> block
    /// Alpha · sum (+ Beta · C's element at <paramref name="c"/>, read only then, as the kernel's store reads it), with
    /// the operations the kernel's own store uses, so an element gets the same bits either way.
    /// </summary>
    private readonly float Merged(float sum, float* c, bool final)
    {
        if (final && Alpha != 1f)
            sum *= Alpha;
        if (final && Beta != 0f)
            sum = MathF.FusedMultiplyAdd(Beta, *c, sum);
        return sum;
    }

    /// <summary>The partial sums of a tile's in-range corner in C, into the tile computed aside; the rest of it zero.</summary>
    private static void LoadEdge(float* tile, int tileStride, int rows, int columns, float* c, nint rowStep, nint columnStep)
    {
        new Span<float>(tile, MicroKernel.Rows * tileStride).Clear();
        for (int r = 0; r < rows; r++, tile += tileStride, c += rowStep)
        {
            for (int j = 0; j < columns; j++)
                tile[j] = c[j * columnStep];
        }
    }

    /// <summary>Packs a transposed op(A)[ic..ic+mc, pc..pc+kc] as micro-panels <see cref="MicroKernel.Rows"/> rows wide.</summary>
    private readonly void PackA<TLanes, TVector>(int ic, int mc, int pc, int kc, float* dst)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        const int mr = MicroKernel.Rows;
        for (int ir = 0; ir < mc; ir += mr)
        {
            float* src = A + (ic + ir) + (nint)pc * Lda;
            Packing.Panel<TLanes, TVector>(src, 1, Lda, Math.Min(mr, mc - ir), mr, kc, dst + ir * kc);
        }
    }

    /// <summary>Packs op(B)[pc..pc+kc, jc..jc+nc] as micro-panels of the kernel's width.</summary>
    private readonly void PackB<TLanes, TVector>(int pc, int kc, int jc, int nc, float* dst)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int nr = MicroKernel.Columns<TLanes, TVector>();
        int columnStride = TransB ? Ldb : 1, depthStride = TransB ? 1 : Ldb;
        for (int jr = 0; jr < nc; jr += nr)
        {
            float* src = B + (nint)(jc + jr) * columnStride + (nint)pc * depthStride;
            Packing.Panel<TLanes, TVector>(src, columnStride, depthStride, Math.Min(nr, nc - jr), nr, kc, dst + jr * kc);
        }
    }

    private static int DivideRoundingUp(int value, int divisor) => (value + divisor - 1) / divisor;
}
