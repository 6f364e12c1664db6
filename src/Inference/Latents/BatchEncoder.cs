using System.Runtime.ExceptionServices;
using VaePipeline.Inference.Images;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Latents;

/// <summary>What a batch encoding produced, indexed like its inputs.</summary>
/// <param name="Mean">μ, [inputs, D]; the rows of failed inputs stay zero.</param>
/// <param name="LogSigma">log σ, [inputs, D], likewise.</param>
/// <param name="Failures">Per input, null when it was encoded, else why it was skipped (the path first).</param>
public sealed record EncodedImages(int LatentSize, float[] Mean, float[] LogSigma, string?[] Failures)
{
    public int FailedCount => Failures.Count(f => f is not null);
}

/// <summary>
/// Encodes many image files on a few threads. The inputs are cut into contiguous chunks of at most one batch; each
/// worker takes the next chunk, decodes its files into the worker's own [batch, 784] buffer, runs the encoder on it
/// and stores the latents at the inputs' indices. So decoding and inference overlap across workers without any
/// hand-off, every buffer is reused, and the output order is the input order whatever the scheduling.
/// </summary>
/// <remarks>
/// Each worker runs the session on its own thread, so the session should have one intra-op thread
/// (<see cref="InferenceOptions"/>): the workers already use every core.
/// </remarks>
public sealed class BatchEncoder
{
    private readonly IReadOnlyList<ImageInput> _inputs;
    private readonly Task<VaeEncoder> _encoder;
    private readonly bool _invert;
    private readonly int _chunkSize;
    private readonly int _chunkCount;
    private readonly Action<int>? _progress;
    private readonly string?[] _failures;
    private int _nextChunk = -1;
    private EncodedImages? _result;

    private BatchEncoder(IReadOnlyList<ImageInput> inputs, Task<VaeEncoder> encoder, bool invert, int chunkSize, Action<int>? progress)
    {
        _inputs = inputs;
        _encoder = encoder;
        _invert = invert;
        _chunkSize = chunkSize;
        _chunkCount = (inputs.Count + chunkSize - 1) / chunkSize;
        _progress = progress;
        _failures = new string?[inputs.Count];
    }

    /// <summary>Encodes every input; a file that cannot be read as an image is recorded in <see cref="EncodedImages.Failures"/> and skipped.</summary>
    /// <param name="invert">Dark ink on light paper (<see cref="ModelInputReader"/>).</param>
    /// <param name="batchSize">The most images per encoder run.</param>
    /// <param name="threads">Workers, each decoding and running the encoder in turn.</param>
    /// <param name="progress">Called from the workers with the number of files each chunk finished.</param>
    /// <exception cref="InvalidDataException">The model does not read 28 × 28 images.</exception>
    public static EncodedImages Encode(IReadOnlyList<ImageInput> inputs, VaeEncoder encoder, bool invert,
        int batchSize, int threads, Action<int>? progress = null) =>
        Encode(inputs, Task.FromResult(encoder), invert, batchSize, threads, progress);

    /// <summary>
    /// As <see cref="Encode(IReadOnlyList{ImageInput}, VaeEncoder, bool, int, int, Action{int}?)"/>, with the encoder
    /// still loading (ONNX Runtime takes a while), so that the first chunks decode meanwhile.
    /// </summary>
    /// <exception cref="InvalidDataException">The model is not a VAE encoder (from <paramref name="encoder"/>), or does not read 28 × 28 images.</exception>
    public static EncodedImages Encode(IReadOnlyList<ImageInput> inputs, Task<VaeEncoder> encoder, bool invert,
        int batchSize, int threads, Action<int>? progress = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var checkedEncoder = encoder.ContinueWith(loaded => ReadsModelInput(loaded.GetAwaiter().GetResult()), TaskContinuationOptions.ExecuteSynchronously);
        // Small inputs are spread over every worker rather than left in one batch on one core.
        int chunkSize = Math.Clamp((inputs.Count + threads - 1) / threads, 1, batchSize);
        var pipeline = new BatchEncoder(inputs, checkedEncoder, invert, chunkSize, progress);

        var workers = new Thread[Math.Min(threads, Math.Max(pipeline._chunkCount, 1))];
        var errors = new Exception?[workers.Length];
        for (int w = 0; w < workers.Length; w++)
        {
            int worker = w;
            workers[w] = new Thread(() =>
            {
                try
                {
                    pipeline.Work();
                }
                catch (Exception e)
                {
                    errors[worker] = e;
                }
            }) { IsBackground = true, Name = $"encode worker {w}" };
            workers[w].Start();
        }
        foreach (var thread in workers) thread.Join();

        // A model that failed to load, or reads other images, is the cause of every worker's failure, so report it and not theirs.
        var model = checkedEncoder.GetAwaiter().GetResult();
        if (errors.FirstOrDefault(e => e is not null) is { } error) ExceptionDispatchInfo.Throw(error);
        return pipeline._result ?? new EncodedImages(model.LatentSize, [], [], pipeline._failures);
    }

    /// <summary>The encoder, if its input is what <see cref="ModelInputReader"/> makes of an image; any other width would cut the pixels into wrong rows.</summary>
    private static VaeEncoder ReadsModelInput(VaeEncoder encoder) => encoder.PixelCount == ModelInputReader.Length ? encoder
        : throw new InvalidDataException($"{encoder.Source} reads {encoder.PixelCount} pixels per image, but images are encoded as " +
                                         $"{ModelInputReader.Side} × {ModelInputReader.Side} = {ModelInputReader.Length} pixels; use an encoder of 28 × 28 images");

    private void Work()
    {
        using var reader = new ModelInputReader(_invert);
        var pixels = new float[_chunkSize * ModelInputReader.Length];
        var rowInput = new int[_chunkSize];
        int chunk;
        while ((chunk = Interlocked.Increment(ref _nextChunk)) < _chunkCount)
        {
            int start = chunk * _chunkSize, end = Math.Min(start + _chunkSize, _inputs.Count);
            int rows = 0;
            for (int i = start; i < end; i++)
            {
                try
                {
                    reader.Read(_inputs[i].Source, pixels.AsSpan(rows * ModelInputReader.Length, ModelInputReader.Length));
                    rowInput[rows++] = i;
                }
                catch (ImageDecodeException e)
                {
                    _failures[i] = e.Message; // already "path: reason"
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    _failures[i] = $"{_inputs[i].Source}: {e.Message}";
                }
            }

            if (rows > 0)
            {
                var encoder = _encoder.GetAwaiter().GetResult();
                var result = Result(encoder.LatentSize);
                var (mean, logSigma) = encoder.Encode(pixels.AsMemory(0, rows * ModelInputReader.Length));
                int d = encoder.LatentSize;
                for (int row = 0; row < rows; row++)
                {
                    mean.AsSpan(row * d, d).CopyTo(result.Mean.AsSpan(rowInput[row] * d));
                    logSigma.AsSpan(row * d, d).CopyTo(result.LogSigma.AsSpan(rowInput[row] * d));
                }
            }
            _progress?.Invoke(end - start);
        }
    }

    /// <summary>The result arrays, made by whichever worker first knows D (the model loads in the background).</summary>
    private EncodedImages Result(int latentSize) => LazyInitializer.EnsureInitialized(ref _result,
        () => new EncodedImages(latentSize, new float[_inputs.Count * latentSize], new float[_inputs.Count * latentSize], _failures));
}
