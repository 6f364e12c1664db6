using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

/// <summary>
/// The fork-join under every kernel: each part of each job runs exactly once, whether its worker ran it or the caller
/// took it back, also while other threads hold the cores; a part's exception reaches the caller and the team recovers.
/// </summary>
public sealed unsafe class WorkerTeamTests
{
    private struct Counts
    {
        public int* PerPart;
        public int Job;
    }

    private static void CountPart(void* state, int part)
    {
        var counts = (Counts*)state;
        Thread.SpinWait(100); // a few microseconds, so an awake worker claims its part before the caller is done with part 0
        Interlocked.Increment(ref counts->PerPart[counts->Job * 4 + part]);
    }

    private static void ThrowInPartOne(void* state, int part)
    {
        if (part == 1) throw new InvalidOperationException("part 1 failed");
        Interlocked.Increment(ref *(int*)state);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void EveryPartRunsOnceWithOrWithoutLoad(bool loaded)
    {
        const int jobs = 10_000, parts = 2;
        var perPart = new int[jobs * 4];
        using var stop = new CancellationTokenSource();
        // Loaded: busy threads beyond the core count, so workers are often not scheduled when a job is offered and the
        // caller takes their parts back; unloaded, the workers mostly run their own.
        var hogs = Enumerable.Range(0, loaded ? 2 * Environment.ProcessorCount : 0)
            .Select(_ => new Thread(() => { while (!stop.IsCancellationRequested) Thread.SpinWait(1000); }))
            .ToArray();
        foreach (var hog in hogs) hog.Start();
        try
        {
            fixed (int* p = perPart)
            {
                for (int job = 0; job < jobs; job++)
                {
                    var counts = new Counts { PerPart = p, Job = job };
                    WorkerTeam.Run(&CountPart, &counts, parts);
                }
            }
        }
        finally
        {
            stop.Cancel();
            foreach (var hog in hogs) hog.Join();
        }
        for (int job = 0; job < jobs; job++)
            for (int part = 0; part < 4; part++)
                Assert.True(perPart[job * 4 + part] == (part < parts ? 1 : 0), $"job {job}, part {part} ran {perPart[job * 4 + part]} times");
    }

    [Fact]
    public void APartsExceptionReachesTheCallerAndTheTeamKeepsWorking()
    {
        var ran = new int[1];
        fixed (int* r = ran)
        {
            int* counter = r;
            var error = Assert.Throws<InvalidOperationException>(() => WorkerTeam.Run(&ThrowInPartOne, counter, 2));
            Assert.Equal("part 1 failed", error.Message);
        }
        Assert.Equal(1, ran[0]); // part 0 still ran

        var perPart = new int[4];
        fixed (int* p = perPart)
        {
            var counts = new Counts { PerPart = p, Job = 0 };
            WorkerTeam.Run(&CountPart, &counts, 2);
        }
        Assert.Equal([1, 1, 0, 0], perPart);
    }
}
