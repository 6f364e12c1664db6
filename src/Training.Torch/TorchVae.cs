using TorchSharp;
using TorchSharp.Modules;
using VaePipeline.Model;
using VaePipeline.Training.Model;
using static TorchSharp.torch;

namespace VaePipeline.Training.Torch;

/// <summary>
/// The VAE as a TorchSharp module: <c>encoder</c> and <c>decoder</c> are lists of <see cref="Linear"/> layers, so the
/// state names are <c>encoder.0.weight</c> … <c>decoder.{n}.bias</c>, those of <see cref="ParameterLayout"/>, the
/// checkpoint and a PyTorch state_dict. The forward pass returns the per-row ELBO terms of <see cref="ElboLoss"/>,
/// built from tensor operations so that autograd differentiates them.
/// </summary>
public sealed class TorchVae : nn.Module
{
    // Field names are the state names' prefixes (RegisterComponents reads them).
#pragma warning disable IDE1006
    private readonly ModuleList<Linear> encoder, decoder;
#pragma warning restore IDE1006
    private readonly VaeConfig _config;

    public TorchVae(VaeConfig config, Device device) : base(nameof(TorchVae))
    {
        _config = config.Validate();
        encoder = Stack(config.EncoderWidths(), device);
        decoder = Stack(config.DecoderWidths(), device);
        RegisterComponents();
    }

    /// <summary>The parameters in <see cref="ParameterLayout"/> order: encoder.0.weight, encoder.0.bias, …, decoder.{n}.bias.</summary>
    public IReadOnlyList<(string Name, Tensor Tensor)> Ordered(ParameterLayout layout)
    {
        var byName = named_parameters().ToDictionary(p => p.name, p => (Tensor)p.parameter);
        return layout.Tensors.Select(t => byName.TryGetValue(t.Name, out var p) && p.shape.SequenceEqual(t.Shape.Select(s => (long)s))
            ? (t.Name, p)
            : throw new InvalidOperationException($"the torch module has no parameter {t.Name} [{string.Join(", ", t.Shape)}]")).ToList();
    }

    /// <summary>h [B, 2D] = [μ | s]: the encoder's output, with log σ = LogSigmaScale · s.</summary>
    public Tensor Encode(Tensor x) => Through(encoder, x);

    /// <summary>The decoder's logits [B, P].</summary>
    public Tensor Decode(Tensor z) => Through(decoder, z);

    /// <summary>
    /// Per row, log p(x|z) and the KL term (each [B]) for inputs <paramref name="x"/> [B, P] and noise
    /// <paramref name="eps"/> [B, D], as <see cref="ElboLoss.LogLikelihood"/> and <see cref="ElboLoss.Kl"/> define them.
    /// </summary>
    public (Tensor LogLikelihood, Tensor Kl) Terms(Tensor x, Tensor eps)
    {
        int d = _config.Latent;
        var h = Encode(x);
        var mu = h.narrow(1, 0, d);
        var logSigma = h.narrow(1, d, d) * _config.LogSigmaScale;
        var sigma = logSigma.exp();
        var z = mu + sigma * eps;
        var logits = Decode(z);
        var logLik = _config.Likelihood switch
        {
            // Σ x·l − softplus(l) is minus the binary cross-entropy on logits, which libtorch computes stably.
            Likelihood.Bernoulli => -nn.functional.binary_cross_entropy_with_logits(logits, x, reduction: nn.Reduction.None).sum(1),
            Likelihood.Gaussian => (x - logits.sigmoid()).square().sum(1) * -0.5 - _config.Input * HalfLog2Pi,
            _ => throw new ArgumentOutOfRangeException(nameof(_config.Likelihood), _config.Likelihood, null),
        };
        var kl = _config.Kl switch
        {
            KlEstimator.Analytic => (mu.square() + sigma.square() - 1 - 2 * logSigma).sum(1) * 0.5,
            KlEstimator.MonteCarlo => ((z.square() - eps.square()) * 0.5 - logSigma).sum(1),
            _ => throw new ArgumentOutOfRangeException(nameof(_config.Kl), _config.Kl, null),
        };
        return (logLik, kl);
    }

    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);

    /// <summary>Linear + activation layers in turn; the last layer of a stack has no activation.</summary>
    private Tensor Through(ModuleList<Linear> layers, Tensor input)
    {
        var y = input;
        for (int i = 0; i < layers.Count; i++)
        {
            y = layers[i].forward(y);
            if (i < layers.Count - 1) y = Activate(y);
        }
        return y;
    }

    private Tensor Activate(Tensor y) => _config.Activation switch
    {
        Activation.Tanh => y.tanh(),
        Activation.Relu => nn.functional.relu(y),
        Activation.Elu => nn.functional.elu(y, alpha: 1.0),
        Activation.Softplus => nn.functional.softplus(y),
        _ => throw new ArgumentOutOfRangeException(nameof(_config.Activation), _config.Activation, null),
    };

    private static ModuleList<Linear> Stack(int[] widths, Device device) =>
        new([.. Enumerable.Range(0, widths.Length - 1).Select(i => nn.Linear(widths[i], widths[i + 1], hasBias: true, device: device))]);
}
