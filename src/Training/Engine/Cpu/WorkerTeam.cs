using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// Runs the parts of one job at a time on the calling thread plus dedicated background threads.
/// </summary>
/// <remarks>
/// The GEMM is called thousands of times a second with jobs of tens of microseconds, so handing out work must
/// cost far less than that: no allocation, no thread-pool queue. A worker that finishes a part spins briefly
/// for the next one (back-to-back GEMMs are the common case), then sleeps on a monitor, so no core is burnt
/// when no GEMM runs. The caller runs part 0 itself, then takes back every part whose worker has not started
/// it yet and runs those too: on a machine where other processes hold the cores, a worker that is not scheduled
/// costs the caller nothing but its own time, instead of a scheduler quantum spent waiting. Parts are fixed up
/// front and each computes the same whoever runs it, so results never depend on who did.
/// </remarks>
internal static unsafe class WorkerTeam
{
    /// <summary>
    /// How long a thread spins for its signal before it blocks (100 µs): longer than the element-wise work
    /// between the GEMMs of a training step, so a worker is still awake for the next one, yet a negligible
    /// burn once training stops. Waking a blocked thread costs several microseconds.
    /// </summary>
    private static readonly long SpinTicks = Stopwatch.Frequency / 10_000;

    private static readonly Lock GrowLock = new();
    private static Worker[] s_workers = [];
    private static int s_busy;

    /// <summary>
    /// Runs body(state, part) for every part in [0, parts) and returns when all are done. If another thread is
    /// using the team, the caller runs all parts itself: the result is the same, since parts are fixed up front.
    /// </summary>
    public static void Run(delegate*<void*, int, void> body, void* state, int parts)
    {
        if (parts == 1 || Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            for (int part = 0; part < parts; part++)
                body(state, part);
            return;
        }

        int offered = 0;
        ExceptionDispatchInfo? failure = null;
        try
        {
            Worker[] workers = EnsureWorkers(parts - 1);
            for (; offered < parts - 1; offered++)
                workers[offered].Offer(body, state, offered + 1);
            body(state, 0);
        }
        finally
        {
            // Even if part 0 threw, every offered part is settled before returning: the workers read `state`,
            // which lives in the caller's frame.
            for (int w = 0; w < offered; w++)
            {
                Worker worker = s_workers[w];
                ExceptionDispatchInfo? thrown = null;
                if (worker.TryTakeBack())
                {
                    try { body(state, w + 1); }
                    catch (Exception e) { thrown = ExceptionDispatchInfo.Capture(e); }
                }
                else
                {
                    thrown = worker.WaitUntilFinished();
                }
                failure ??= thrown;
            }
            Volatile.Write(ref s_busy, 0);
        }

        failure?.Throw();
    }

    private static Worker[] EnsureWorkers(int count)
    {
        if (s_workers.Length >= count)
            return s_workers;
        lock (GrowLock)
        {
            Worker[] grown = s_workers;
            if (grown.Length < count)
            {
                int had = grown.Length;
                Array.Resize(ref grown, count);
                for (int w = had; w < count; w++)
                    grown[w] = new Worker(w + 1);
                s_workers = grown;
            }
            return grown;
        }
    }

    /// <summary>
    /// Spins until <paramref name="location"/> equals (or, with <paramref name="equal"/> false, differs from)
    /// <paramref name="value"/>, or the spin budget runs out; returns whether it does.
    /// </summary>
    private static bool SpinUntil(ref long location, long value, bool equal)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        do
        {
            if ((Volatile.Read(ref location) == value) == equal)
                return true;
            Thread.SpinWait(4);
        }
        while (Stopwatch.GetTimestamp() < deadline);
        return (Volatile.Read(ref location) == value) == equal;
    }

    /// <summary>
    /// One background thread and the part offered to it. The offer is a ticket, generation · 2 + claimed: the
    /// caller publishes a new generation after writing the part's fields; the worker reads the fields, then claims
    /// the ticket by compare-and-swap, and the caller can take an unclaimed ticket back the same way. Exactly one
    /// of them wins, and a worker that read the fields of a ticket that has since moved on fails its claim and reads
    /// again, so it never runs a half-written part.
    /// </summary>
    private sealed class Worker
    {
        private readonly object _gate = new();
        private delegate*<void*, int, void> _body;
        private void* _state;
        private int _part;
        private long _ticket;
        private long _generation; // the caller's count of offers
        private long _finished;   // the last generation the worker ran to the end
        private ExceptionDispatchInfo? _failure;

        public Worker(int index)
        {
            new Thread(Loop) { IsBackground = true, Name = $"Sgemm worker {index}" }.Start();
        }

        public void Offer(delegate*<void*, int, void> body, void* state, int part)
        {
            _body = body;
            _state = state;
            _part = part;
            Volatile.Write(ref _ticket, ++_generation << 1);
            lock (_gate)
                Monitor.PulseAll(_gate);
        }

        /// <summary>Takes the offered part back if the worker has not claimed it; the caller then runs it.</summary>
        public bool TryTakeBack() =>
            Interlocked.CompareExchange(ref _ticket, (_generation << 1) | 1, _generation << 1) == _generation << 1;

        /// <summary>Waits for the part the worker claimed; returns what it threw, if anything.</summary>
        public ExceptionDispatchInfo? WaitUntilFinished()
        {
            long generation = _generation;
            if (!SpinUntil(ref _finished, generation, equal: true))
            {
                lock (_gate)
                {
                    while (Volatile.Read(ref _finished) != generation)
                        Monitor.Wait(_gate);
                }
            }

            ExceptionDispatchInfo? failure = _failure;
            _failure = null;
            return failure;
        }

        private void Loop()
        {
            long seen = 0; // the last ticket this worker acted on (ran, or found taken back)
            while (true)
            {
                long ticket = Volatile.Read(ref _ticket);
                if (ticket == seen)
                {
                    if (!SpinUntil(ref _ticket, seen, equal: false))
                    {
                        lock (_gate)
                        {
                            while (Volatile.Read(ref _ticket) == seen)
                                Monitor.Wait(_gate);
                        }
                    }
                    continue;
                }
                if ((ticket & 1) != 0)
                {
                    seen = ticket; // taken back by the caller: nothing to run
                    continue;
                }

                delegate*<void*, int, void> body = _body;
                void* state = _state;
                int part = _part;
                if (Interlocked.CompareExchange(ref _ticket, ticket | 1, ticket) != ticket)
                    continue; // taken back, or a newer offer: read again
                seen = ticket | 1;

                try
                {
                    body(state, part);
                }
                catch (Exception e)
                {
                    _failure = ExceptionDispatchInfo.Capture(e);
                }

                Volatile.Write(ref _finished, ticket >> 1);
                lock (_gate)
                    Monitor.PulseAll(_gate);
            }
        }
    }
}
