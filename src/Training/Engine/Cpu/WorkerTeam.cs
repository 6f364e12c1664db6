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
/// when no GEMM runs. The caller runs part 0 itself and waits for the rest the same way.
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

        int started = 0;
        ExceptionDispatchInfo? failure = null;
        try
        {
            Worker[] workers = EnsureWorkers(parts - 1);
            for (; started < parts - 1; started++)
                workers[started].Start(body, state, started + 1);
            body(state, 0);
        }
        finally
        {
            // Wait even if part 0 threw: the workers read `state`, which lives in the caller's frame.
            for (int w = 0; w < started; w++)
            {
                ExceptionDispatchInfo? thrown = s_workers[w].WaitUntilDone();
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

    /// <summary>Spins until <paramref name="flag"/> reads <paramref name="value"/> or the spin budget runs out.</summary>
    private static bool SpinUntil(ref int flag, int value)
    {
        long deadline = Stopwatch.GetTimestamp() + SpinTicks;
        do
        {
            if (Volatile.Read(ref flag) == value)
                return true;
            Thread.SpinWait(4);
        }
        while (Stopwatch.GetTimestamp() < deadline);
        return Volatile.Read(ref flag) == value;
    }

    private sealed class Worker
    {
        private readonly object _gate = new();
        private delegate*<void*, int, void> _body;
        private void* _state;
        private int _part;

        /// <summary>1 from <see cref="Start"/> until the part is done; the handshake in both directions.</summary>
        private int _busy;

        private ExceptionDispatchInfo? _failure;

        public Worker(int index)
        {
            new Thread(Loop) { IsBackground = true, Name = $"Sgemm worker {index}" }.Start();
        }

        public void Start(delegate*<void*, int, void> body, void* state, int part)
        {
            _body = body;
            _state = state;
            _part = part;
            Volatile.Write(ref _busy, 1);
            lock (_gate)
                Monitor.Pulse(_gate);
        }

        /// <summary>Waits for the part given to <see cref="Start"/>; returns what it threw, if anything.</summary>
        public ExceptionDispatchInfo? WaitUntilDone()
        {
            if (!SpinUntil(ref _busy, 0))
            {
                lock (_gate)
                {
                    while (Volatile.Read(ref _busy) != 0)
                        Monitor.Wait(_gate);
                }
            }

            ExceptionDispatchInfo? failure = _failure;
            _failure = null;
            return failure;
        }

        private void Loop()
        {
            while (true)
            {
                if (!SpinUntil(ref _busy, 1))
                {
                    lock (_gate)
                    {
                        while (Volatile.Read(ref _busy) == 0)
                            Monitor.Wait(_gate);
                    }
                }

                try
                {
                    _body(_state, _part);
                }
                catch (Exception e)
                {
                    _failure = ExceptionDispatchInfo.Capture(e);
                }

                Volatile.Write(ref _busy, 0);
                lock (_gate)
                    Monitor.PulseAll(_gate);
            }
        }
    }
}
