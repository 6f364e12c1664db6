namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// The units of one job dealt out to its parts in contiguous runs. A part takes its own units from the front; when it
/// has none left, it takes the others' from the back, so a thread that finishes first takes over the last units of a
/// slower one (a busy hyperthread sibling, another tenant's VM, an efficiency core) instead of waiting for it. One
/// compare-and-swap settles who got a unit, on a cache line per part. Jobs whose units give the same result whoever
/// computes them stay bit-identical at any thread count.
/// </summary>
internal readonly unsafe struct WorkQueues
{
    /// <summary>Longs per cache line: each part's queue has a line to itself.</summary>
    private const int Stride = 8;

    /// <summary>Each part's units not yet taken, [next, end) packed in one long.</summary>
    private readonly long* _queues;

    private readonly int _parts;

    /// <summary>
    /// Deals <paramref name="units"/> out to <paramref name="parts"/> parts into <paramref name="storage"/>:
    /// <see cref="Storage"/> longs, which must outlive the job's run.
    /// </summary>
    public WorkQueues(long* storage, int units, int parts)
    {
        _queues = (long*)(((nint)storage + 63) & ~(nint)63);
        _parts = parts;
        for (int part = 0; part < parts; part++)
            _queues[part * Stride] = Queue(units * part / parts, units * (part + 1) / parts);
    }

    /// <summary>Longs of storage the queues of <paramref name="parts"/> parts need.</summary>
    public static int Storage(int parts) => (parts + 1) * Stride;

    /// <summary>The next unit for <paramref name="part"/>: its own first, front to back, then the others' from the back; −1 when none is left.</summary>
    public int Next(int part)
    {
        int unit = Take(part, front: true);
        for (int other = 1; unit < 0 && other < _parts; other++)
            unit = Take((part + other) % _parts, front: false);
        return unit;
    }

    private static long Queue(int next, int end) => (long)end << 32 | (uint)next;

    private int Take(int part, bool front)
    {
        ref long queue = ref _queues[part * Stride];
        while (true)
        {
            long seen = Volatile.Read(ref queue);
            int next = (int)seen, end = (int)(seen >> 32);
            if (next >= end)
                return -1;
            long left = front ? Queue(next + 1, end) : Queue(next, end - 1);
            if (Interlocked.CompareExchange(ref queue, left, seen) == seen)
                return front ? next : end - 1;
        }
    }
}
