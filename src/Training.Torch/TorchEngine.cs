using VaePipeline.Data;
using VaePipeline.Model;
using VaePipeline.Training.Loop;
using VaePipeline.Training.Model;
using static TorchSharp.torch;

namespace VaePipeline.Training.Torch;

/// <summary>
/// The TorchSharp engine: <see cref="TorchVae"/>'s forward pass, libtorch's autograd for the backward pass and
/// <see cref="TorchAdam"/>, behind the same step seam as the native engine, so the <see cref="Trainer"/>'s batches,
/// noise, checkpoints and metrics are identical for both. Every step runs in a dispose scope: the tensors it makes
/// are freed when it returns, and only the parameters, their gradients and Adam's moments live across steps.
/// </summary>
public sealed class TorchEngine : ITrainingEngine
{
    private const int P = MnistSplit.PixelsPerImage;
    private readonly VaeConfig _config;
    private readonly MnistSplit _train;
    private readonly Device _device;
    private readonly TorchVae _model;
    private readonly IReadOnlyList<(string Name, Tensor Tensor)> _parameters; // ParameterLayout order
    private readonly ParameterLayout _layout;
    private readonly TorchAdam _adam;
    private readonly PixelEncoder _pixels;
    private readonly float[] _x, _eps;   // host staging for one training batch, reused
    private float[]? _scoreX, _scoreEps; // and for one evaluation batch, made at the first Score

    public TorchEngine(VaeConfig config, TrainingOptions options, MnistSplit train, TorchDevice device)
    {
        _config = config.Validate();
        _train = train;
        _device = device.Device;
        Description = $"torch, {device.Description}";
        _layout = new ParameterLayout(config);
        _model = new TorchVae(config, _device);
        _parameters = _model.Ordered(_layout);
        _adam = new TorchAdam([.. _parameters.Select(p => p.Tensor)], options.Adam);
        _pixels = new PixelEncoder(config.Binarization, options.Seed);
        _x = new float[options.BatchSize * P];
        _eps = new float[options.BatchSize * config.Latent];
    }

    /// <summary>An <see cref="EngineFactory"/> for runs on <paramref name="device"/>.</summary>
    public static EngineFactory On(TorchDevice device) => (config, options, train) => new TorchEngine(config, options, train, device);

    public string Description { get; }

    public BatchTerms Step(ReadOnlySpan<int> images, long draw, ReadOnlySpan<float> eps)
    {
        int rows = images.Length;
        using var scope = NewDisposeScope();
        _pixels.Fill(_train, images, draw, _x);
        eps.CopyTo(_eps);
        var (logLik, kl) = _model.Terms(Rows(_x, rows, P), Rows(_eps, rows, _config.Latent));
        var sumLogLik = logLik.sum();
        var sumKl = kl.sum();
        var loss = (sumLogLik - _config.Beta * sumKl) / -rows; // ElboLoss.Loss
        _model.zero_grad();
        loss.backward();
        _adam.Update();
        return Sums(logLik, kl);
    }

    public BatchTerms Score(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, int rows)
    {
        _scoreX ??= new float[Evaluator.Batch * P];
        _scoreEps ??= new float[Evaluator.Batch * _config.Latent];
        x.CopyTo(_scoreX);
        eps.CopyTo(_scoreEps);
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var (logLik, kl) = _model.Terms(Rows(_scoreX, rows, P), Rows(_scoreEps, rows, _config.Latent));
        return Sums(logLik, kl);
    }

    public void Load(OptimizerState state)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var t = _layout.Tensors[i];
            _parameters[i].Tensor.copy_(Host(state.Parameters, t));
            _adam.FirstMoment[i].copy_(Host(state.FirstMoment, t));
            _adam.SecondMoment[i].copy_(Host(state.SecondMoment, t));
        }
        _adam.Step = state.AdamStep;
    }

    public void Save(OptimizerState state)
    {
        using var scope = NewDisposeScope();
        for (int i = 0; i < _parameters.Count; i++)
        {
            var t = _layout.Tensors[i];
            ToHost(_parameters[i].Tensor, state.Parameters, t);
            ToHost(_adam.FirstMoment[i], state.FirstMoment, t);
            ToHost(_adam.SecondMoment[i], state.SecondMoment, t);
        }
        state.AdamStep = _adam.Step;
    }

    public void Dispose()
    {
        _adam.Dispose();
        _model.Dispose();
    }

    /// <summary>The first <paramref name="rows"/> rows of a host staging buffer as a [rows, cols] tensor on the device.</summary>
    private Tensor Rows(float[] host, int rows, int cols) => tensor(host, [host.Length / cols, cols]).narrow(0, 0, rows).to(_device);

    /// <summary>Sums over the rows in double, as the native engine adds its per-row floats.</summary>
    private static BatchTerms Sums(Tensor logLik, Tensor kl) =>
        new(logLik.to_type(ScalarType.Float64).sum().item<double>(), kl.to_type(ScalarType.Float64).sum().item<double>());

    private Tensor Host(float[] flat, ParameterTensor t) =>
        tensor(flat.AsSpan(t.Offset, t.Length).ToArray(), [.. t.Shape.Select(s => (long)s)]).to(_device);

    private static void ToHost(Tensor source, float[] flat, ParameterTensor t) =>
        source.detach().cpu().data<float>().ToArray().CopyTo(flat, t.Offset);
}
