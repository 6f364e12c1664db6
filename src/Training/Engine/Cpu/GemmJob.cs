namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The arguments of one <see cref="Sgemm.Multiply"/> call and how its output is split into parts, one per thread.
/// A part is a band of whole tiles of C (a range of columns or of rows) and computes every element of it over the
/// full depth, so which thread computes an element never changes how its sum is formed.
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

    /// <summary>Number of parts the output is split into.</summary>
    public int Parts;

    /// <summary>The depth block KC: k cut into equal blocks, each no deeper than <see cref="PanelBytes"/> allows.</summary>
    public int DepthBlock;

    /// <summary>Whether parts are bands of columns (each packs or reads all of A) or of rows (each packs all of B).</summary>
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
        Parts = Math.Min(threads, SplitColumns ? columnTiles : rowTiles);
    }

    /// <summary>Elements computed for a rows × columns output, counting the padding of overhanging tiles.</summary>
    private static long PaddedArea(int rows, int columns, int tileColumns) =>
        (long)DivideRoundingUp(rows, MicroKernel.Rows) * MicroKernel.Rows * DivideRoundingUp(columns, tileColumns) * tileColumns;

    /// <summary>The part-th band of whole tiles out of <paramref name="extent"/>, as a half-open range.</summary>
    private readonly (int Start, int End) Band(int extent, int tile, int part)
    {
        int tiles = DivideRoundingUp(extent, tile);
        int first = (int)((long)tiles * part / Parts);
        int last = (int)((long)tiles * (part + 1) / Parts);
        return (Math.Min(first * tile, extent), Math.Min(last * tile, extent));
    }

    /// <summary>Entry point for <see cref="WorkerTeam"/>: computes part <paramref name="part"/> of the job at <paramref name="job"/>.</summary>
    public static void RunPart<TLanes, TVector>(void* job, int part)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged =>
        ((GemmJob*)job)->Run<TLanes, TVector>(part);

    private readonly void Run<TLanes, TVector>(int part)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int nr = MicroKernel.Columns<TLanes, TVector>();
        const int mr = MicroKernel.Rows;
        (int i0, int i1) = SplitColumns ? (0, M) : Band(M, mr, part);
        (int j0, int j1) = SplitColumns ? Band(N, nr, part) : (0, N);
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
                PackB<TLanes, TVector>(pc, kc, jc, nc, scratch.PackedB);
                for (int ic = i0; ic < i1; ic += rowBlock)
                {
                    int mc = Math.Min(rowBlock, i1 - ic);
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
                float* a = scratch.PackedA + ir * kc;
                nint aRowStride = 1, aDepthStride = mr;
                if (ReadsAInPlace(rows))
                {
                    a = A + (nint)(ic + ir) * Lda + pc;
                    (aRowStride, aDepthStride) = (Lda, 1);
                }

                float* c = C + (ic + ir) * rowStep + (jc + jr) * columnStep;
                if (rows == mr && columns == nr && !TransposedC)
                {
                    MicroKernel.Tile<TLanes, TVector>(kc, a, aRowStride, aDepthStride, b, c, Ldc, resume, final, Alpha, Beta);
                }
                else
                {
                    if (resume)
                        LoadEdge(scratch.Edge, nr, rows, columns, c, rowStep, columnStep);
                    MicroKernel.Tile<TLanes, TVector>(kc, a, aRowStride, aDepthStride, b, scratch.Edge, nr, resume, final: false, 1f, 0f);
                    if (columns == nr && !TransposedC)
                        MergeRows<TLanes, TVector>(scratch.Edge, rows, c, final);
                    else
                        MergeEdge(scratch.Edge, nr, rows, columns, c, rowStep, columnStep, final);
                }
            }
        }
    }

    /// <summary>
    /// Whether a micro-panel of <paramref name="rows"/> rows of op(A) is read straight from A. Untransposed rows
    /// already run along k, so the kernel's broadcasts just follow six sequential streams; packing them would
    /// be a transpose costing ~8% of the multiply, paid by every thread. Transposed A (a cheap contiguous copy
    /// that reads better packed) and a last panel overhanging A's rows (which must not be read) are packed.
    /// </summary>
    private readonly bool ReadsAInPlace(int rows) => !TransA && rows == MicroKernel.Rows;

    /// <summary>
    /// <see cref="MergeEdge"/> for a tile that overhangs C's last rows only: its first <paramref name="rows"/> rows are
    /// whole rows of the tile's width, stored a vector at a time through the kernel's own store.
    /// </summary>
    private readonly void MergeRows<TLanes, TVector>(float* tile, int rows, float* c, bool final)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        int width = TLanes.Count;
        TVector alpha = TLanes.Broadcast(Alpha), beta = TLanes.Broadcast(Beta);
        bool scale = final && Alpha != 1f, accumulate = final && Beta != 0f;
        for (int r = 0; r < rows; r++, tile += 2 * width, c += Ldc)
            MicroKernel.StoreRow<TLanes, TVector>(c, TLanes.Load(tile), TLanes.Load(tile + width), alpha, beta, scale, accumulate);
    }

    /// <summary>
    /// Stores the in-range corner of a tile computed aside (it overhangs C, or C is stored transposed) into C: the
    /// partial sums as they are, or on the <paramref name="final"/> block Alpha · sum (+ Beta · C), with the
    /// operations the kernel's own store uses, so an element gets the same bits either way.
    /// </summary>
    private readonly void MergeEdge(float* tile, int tileStride, int rows, int columns, float* c, nint rowStep, nint columnStep, bool final)
    {
        for (int r = 0; r < rows; r++, tile += tileStride, c += rowStep)
        {
            for (int j = 0; j < columns; j++)
            {
                float* element = c + j * columnStep;
                float value = tile[j];
                if (final && Alpha != 1f)
                    value *= Alpha;
                if (final && Beta != 0f)
                    value = MathF.FusedMultiplyAdd(Beta, *element, value);
                *element = value;
            }
        }
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

    /// <summary>
    /// Packs the micro-panels of op(A)[ic..ic+mc, pc..pc+kc] that are not read in place (see
    /// <see cref="ReadsAInPlace"/>), each <see cref="MicroKernel.Rows"/> rows wide.
    /// </summary>
    private readonly void PackA<TLanes, TVector>(int ic, int mc, int pc, int kc, float* dst)
        where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
    {
        const int mr = MicroKernel.Rows;
        int rowStride = TransA ? 1 : Lda, depthStride = TransA ? Lda : 1;
        for (int ir = 0; ir < mc; ir += mr)
        {
            int rows = Math.Min(mr, mc - ir);
            if (ReadsAInPlace(rows))
                continue;
            float* src = A + (nint)(ic + ir) * rowStride + (nint)pc * depthStride;
            Packing.Panel<TLanes, TVector>(src, rowStride, depthStride, rows, mr, kc, dst + ir * kc);
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
