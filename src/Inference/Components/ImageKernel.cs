using Microsoft.ML;
using VaePipeline.Inference.Images;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Components;

/// <summary>
/// A kernel whose input is an image path: each batch's files are read and turned into the encoder's 28 × 28 input on
/// every core (the slow part), then encoded in one run.
/// </summary>
internal sealed class ImageKernel : BatchKernel
{
    private readonly ValueGetter<ReadOnlyMemory<char>> _getter;
    private readonly string _column;
    private readonly string? _folder;
    private readonly VaeEncoder _encoder;
    private readonly string[] _paths;
    private readonly float[] _pixels;
    private readonly ModelInputReader[] _readers;
    private ReadOnlyMemory<char> _path;

    public ImageKernel(DataViewRow row, DataViewSchema.Column input, string? folder, bool invert, VaeEncoder encoder, int capacity)
        : base([encoder.LatentSize, encoder.LatentSize], capacity)
    {
        _getter = row.GetGetter<ReadOnlyMemory<char>>(input);
        _column = input.Name;
        _folder = folder;
        _encoder = encoder;
        _paths = new string[capacity];
        _pixels = Rent(checked(capacity * ModelInputReader.Length));
        _readers = [.. Enumerable.Range(0, Math.Min(Environment.ProcessorCount, capacity)).Select(_ => new ModelInputReader(invert))];
    }

    public override void Stage(int slot)
    {
        _getter(ref _path);
        string path = _path.ToString();
        _paths[slot] = _folder is null ? path : Path.Combine(_folder, path);
    }

    public override void Run(int rows)
    {
        int workers = Math.Min(_readers.Length, rows);
        try
        {
            Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
            {
                for (int i = w * rows / workers; i < (w + 1) * rows / workers; i++)
                    _readers[w].Read(_paths[i], _pixels.AsSpan(i * ModelInputReader.Length, ModelInputReader.Length));
            });
        }
        catch (AggregateException e)
        {
            throw Unreadable(e.InnerExceptions[0]);
        }
        var outputs = Outputs(rows);
        _encoder.Encode(_pixels.AsMemory(0, rows * ModelInputReader.Length), outputs[0], outputs[1]);
    }

    public override void Dispose()
    {
        foreach (var reader in _readers) reader.Dispose();
        base.Dispose();
    }

    /// <summary>A file that cannot be read as an image stops the cursor with its path (decode errors already start with it).</summary>
    private InvalidDataException Unreadable(Exception e) => e is ImageDecodeException
        ? new InvalidDataException($"column '{_column}': {e.Message}", e)
        : new InvalidDataException($"column '{_column}': the image cannot be read: {e.Message}", e);
}
