using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Model;
using VaePipeline.Training.Optim;

namespace VaePipeline.Training.Loop;

/// <summary>
/// The project's own engine: the explicit forward and backward passes of <see cref="Vae"/> and <see cref="Adam"/>
/// over any <see cref="IBackend"/>. The backend belongs to the caller and frees the buffers made here.
/// </summary>
public sealed class NativeEngine : ITrainingEngine
{
    private const int P = MnistSplit.PixelsPerImage;
    private readonly IBackend _backend;
    private readonly MnistSplit _train;
    private readonly Vae _model;
    private readonly Adam _adam;
    private readonly Evaluator _evaluator;
    private readonly PixelEncoder _pixels;
    private readonly RowTerms _terms;
    private readonly float[] _x; // host staging for one batch's pixels, reused
    private readonly IRowGather? _gather; // set when the training images live on the backend's device
    private readonly Slice _images;       // [training images × P], encoded once, on a gathering backend

    public NativeEngine(VaeConfig config, TrainingOptions options, MnistSplit train, IBackend backend)
    {
        _backend = backend;
        _train = train;
        _model = new Vae(config, backend, options.BatchSize);
        _adam = new Adam(backend, _model.Layout.Count, options.Adam);
        _evaluator = new Evaluator(_model, backend);
        _pixels = new PixelEncoder(config.Binarization, options.Seed);
        _x = new float[options.BatchSize * P];
        _terms = new RowTerms(backend, options.BatchSize);
        // A backend that gathers rows (the GPU) holds the encoded training images and batches them on its device, so a
        // step sends only the batch's indices and noise. Dynamic binarization draws every pixel anew from the host
        // encoder's stream, so that mode keeps filling batches on the host (the same pixels on every device).
        if (backend is IRowGather gather && config.Binarization != Binarization.Dynamic)
        {
            _gather = gather;
            _images = UploadEncoded(backend, _pixels, train, Math.Min(options.TrainSize ?? train.Count, train.Count));
        }
    }

    /// <summary>The first <paramref name="count"/> images of <paramref name="train"/>, encoded, in one device buffer.</summary>
    private static Slice UploadEncoded(IBackend backend, PixelEncoder pixels, MnistSplit train, int count)
    {
        const int chunk = 1000;
        var all = backend.Allocate(count * P);
        var staging = new float[chunk * P];
        for (int start = 0; start < count; start += chunk)
        {
            int n = Math.Min(chunk, count - start);
            pixels.Fill(train, Enumerable.Range(start, n).ToArray(), draw: 0, staging); // static and none ignore the draw
            backend.Upload(staging.AsSpan(0, n * P), all.Sub(start * P, n * P));
        }
        return all;
    }

    /// <summary>An <see cref="EngineFactory"/> for runs on <paramref name="backend"/>.</summary>
    public static EngineFactory On(IBackend backend) => (config, options, train) => new NativeEngine(config, options, train, backend);

    public string Description => $"native, {_backend.Description}";

    public BatchTerms Step(ReadOnlySpan<int> images, long draw, ReadOnlySpan<float> eps)
    {
        int rows = images.Length;
        if (_gather is not null)
            _gather.GatherRows(_images, P, images, _model.Input.Sub(0, rows * P));
        else
        {
            _pixels.Fill(_train, images, draw, _x);
            _backend.Upload(_x.AsSpan(0, rows * P), _model.Input.Sub(0, rows * P));
        }
        _backend.Upload(eps, _model.Noise.Sub(0, eps.Length));
        _model.Forward(rows, withGradient: true);
        var terms = _terms.Sum(_model, rows);
        _model.Backward(rows, _adam);
        return terms;
    }

    public BatchTerms Score(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, int rows) => _evaluator.Score(x, eps, rows);

    public void Load(OptimizerState state)
    {
        _backend.Upload(state.Parameters, _model.Parameters);
        _backend.Upload(state.FirstMoment, _adam.FirstMoment);
        _backend.Upload(state.SecondMoment, _adam.SecondMoment);
        _adam.Step = state.AdamStep;
    }

    public void Save(OptimizerState state)
    {
        _backend.Download(_model.Parameters, state.Parameters);
        _backend.Download(_adam.FirstMoment, state.FirstMoment);
        _backend.Download(_adam.SecondMoment, state.SecondMoment);
        state.AdamStep = _adam.Step;
    }

    public void Dispose() { } // nothing of its own: the caller's backend owns every buffer
}
