using System.Collections.Concurrent;
using VaePipeline.Inference.OnnxRuntime;

namespace VaePipeline.Tests.OnnxRuntime;

public sealed class OrtSessionTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly OrtSession _session;

    public OrtSessionTests()
    {
        string path = _dir.File("sigmoid-gemm.onnx");
        SigmoidGemmModel.Write(path);
        _session = OrtSession.Open(path, new OrtSessionOptions { IntraOpThreads = 1 });
    }

    public void Dispose()
    {
        _session.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void InputsAndOutputs_HaveTheModelsNamesTypesAndShapes_WithMinusOneForTheOpenBatch()
    {
        var input = Assert.Single(_session.Inputs);
        Assert.Equal("x", input.Name);
        Assert.Equal(OrtElementType.Float, input.ElementType);
        Assert.Equal([-1L, SigmoidGemmModel.Inputs], input.Shape);

        var output = Assert.Single(_session.Outputs);
        Assert.Equal("y", output.Name);
        Assert.Equal(OrtElementType.Float, output.ElementType);
        Assert.Equal([-1L, SigmoidGemmModel.Outputs], output.Shape);
    }

    [Fact]
    public void Metadata_HasTheProducerAndEveryCustomEntry()
    {
        Assert.Equal(SigmoidGemmModel.ProducerName, _session.Metadata.ProducerName);
        Assert.Equal(
            SigmoidGemmModel.Metadata.OrderBy(p => p.Key, StringComparer.Ordinal),
            _session.Metadata.Custom.OrderBy(p => p.Key, StringComparer.Ordinal));
    }

    [Fact]
    public void Metadata_OfAModelWithoutCustomEntries_IsEmpty()
    {
        string path = _dir.File("no-metadata.onnx");
        SigmoidGemmModel.Write(path, withMetadata: false);

        using var session = OrtSession.Open(path, new OrtSessionOptions { IntraOpThreads = 1 });

        Assert.Equal(SigmoidGemmModel.ProducerName, session.Metadata.ProducerName);
        Assert.Empty(session.Metadata.Custom);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(37)]
    public void Run_MatchesTheFunctionComputedInCSharp(int batch)
    {
        float[] x = SigmoidGemmModel.Input(batch, seed: batch);

        var outputs = _session.Run(new Dictionary<string, InputTensor> { ["x"] = new(x, batch, SigmoidGemmModel.Inputs) });

        var y = Assert.Single(outputs);
        Assert.Equal("y", y.Key);
        Assert.Equal([batch, SigmoidGemmModel.Outputs], y.Value.Shape);
        AssertClose(SigmoidGemmModel.Expected(x), y.Value.Data);
    }

    [Fact]
    public void Run_OnAnEmptyBatch_ReturnsAnEmptyOutput()
    {
        var y = RunX(ReadOnlyMemory<float>.Empty, 0);

        Assert.Equal([0L, SigmoidGemmModel.Outputs], y.Shape);
        Assert.Empty(y.Data);
    }

    [Fact]
    public void Run_ReadsAnInputSliceInPlace()
    {
        float[] buffer = SigmoidGemmModel.Input(10, seed: 3);
        var rows2To5 = buffer.AsMemory(2 * SigmoidGemmModel.Inputs, 4 * SigmoidGemmModel.Inputs);

        var y = RunX(rows2To5, 4);

        AssertClose(SigmoidGemmModel.Expected(rows2To5.ToArray()), y.Data);
    }

    [Fact]
    public void Run_FromManyThreadsAtOnce_GivesEachCallerItsOwnCorrectResult()
    {
        const int threads = 8, runsPerThread = 25;
        using var start = new Barrier(threads);
        var failures = new ConcurrentBag<string>();

        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            start.SignalAndWait();
            for (int r = 0; r < runsPerThread; r++)
            {
                int batch = 1 + (t * runsPerThread + r) % 40;
                float[] x = SigmoidGemmModel.Input(batch, seed: t * 1000 + r);
                var y = RunX(x, batch);
                if (!Matches(SigmoidGemmModel.Expected(x), y.Data))
                    failures.Add($"thread {t} run {r} (batch {batch})");
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        foreach (var worker in workers) worker.Join();

        Assert.Empty(failures);
    }

    [Fact]
    public void Run_WithAnUnknownInputName_ThrowsOrtsInvalidArgument()
    {
        var e = Assert.Throws<OrtException>(() =>
            _session.Run(new Dictionary<string, InputTensor> { ["z"] = new(new float[SigmoidGemmModel.Inputs], 1, SigmoidGemmModel.Inputs) }));

        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Equal("Invalid input name: z", e.Message);
    }

    [Fact]
    public void Run_WithAWrongWidth_ThrowsOrtsInvalidArgument()
    {
        var e = Assert.Throws<OrtException>(() => RunX(new float[8], 2, width: 4));

        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
    }

    [Fact]
    public void Run_WithAnUnknownOutputName_ThrowsOrtsInvalidArgument()
    {
        var e = Assert.Throws<OrtException>(() => _session.Run(
            new Dictionary<string, InputTensor> { ["x"] = new(new float[SigmoidGemmModel.Inputs], 1, SigmoidGemmModel.Inputs) }, ["q"]));

        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Equal("Invalid output name: q", e.Message);
    }

    [Fact]
    public void Dispose_Twice_IsHarmless_AndRunAfterwardsThrowsObjectDisposed()
    {
        _session.Dispose();
        _session.Dispose();

        Assert.Throws<ObjectDisposedException>(() => RunX(new float[SigmoidGemmModel.Inputs], 1));
    }

    [Fact]
    public void Dispose_WhileOtherThreadsRun_LetsEachRunFinishOrThrowObjectDisposed()
    {
        float[] x = SigmoidGemmModel.Input(16, seed: 7);
        float[] expected = SigmoidGemmModel.Expected(x);
        using var running = new CountdownEvent(4);
        var outcomes = new ConcurrentBag<string>();

        var workers = Enumerable.Range(0, 4).Select(_ => new Thread(() =>
        {
            running.Signal();
            while (true)
            {
                try
                {
                    var y = RunX(x, 16);
                    if (!Matches(expected, y.Data)) outcomes.Add("wrong result");
                }
                catch (ObjectDisposedException)
                {
                    return;
                }
                catch (Exception e)
                {
                    outcomes.Add(e.GetType().Name);
                    return;
                }
            }
        })).ToArray();
        foreach (var worker in workers) worker.Start();
        running.Wait();
        Thread.Sleep(20);
        _session.Dispose();
        foreach (var worker in workers) worker.Join();

        Assert.Empty(outcomes);
    }

    private OutputTensor RunX(ReadOnlyMemory<float> x, long batch, long width = SigmoidGemmModel.Inputs) =>
        _session.Run(new Dictionary<string, InputTensor> { ["x"] = new(x, batch, width) })["y"];

    // ORT's float32 GEMM against a double-precision sum: sigmoid outputs lie in (0, 1), so an absolute bound fits.
    private const float Tolerance = 1e-6f;

    private static bool Matches(float[] expected, float[] actual) =>
        expected.Length == actual.Length && expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= Tolerance);

    private static void AssertClose(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
