using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Optim;

namespace VaePipeline.Training.Model;

/// <summary>
/// The Kingma &amp; Welling VAE as explicit forward and backward passes over flat buffers (after llm.c).
/// Shapes, for B = rows ≤ <see cref="Capacity"/>, P = input pixels, D = latent size:
/// <code>
///   x [B,P] → encoder linear+act … → h [B,2D] = [μ | log σ] (or [μ | log σ²] with a log-variance head)
///   z [B,D] = μ + exp(log σ) ⊙ ε,  ε [B,D] ~ N(0, I)
///   z → decoder linear+act … → logits [B,P]
///   loss = −(1/B) Σ_b (log p(x_b|z_b) − β·KL_b)
/// </code>
/// The caller uploads x into <see cref="Input"/> and ε into <see cref="Noise"/>; gradients land in <see cref="Gradients"/>.
/// </summary>
public sealed class Vae
{
    private readonly IBackend _backend;
    private readonly Slice[] _encoderOut; // [B, width of encoder layer i]; the last is h
    private readonly Slice[] _decoderOut; // [B, width of decoder layer i]; the last is the logits
    private readonly Slice _gradA, _gradB; // [B, widest layer]: the backward pass ping-pongs between them
    private readonly Slice _dz;            // [B, D]

    /// <param name="parameters">An existing parameter buffer to use (an evaluation model sized for larger batches shares
    /// the trainer's weights this way); a new zeroed one when null.</param>
    public Vae(VaeConfig config, IBackend backend, int capacity, Slice? parameters = null)
    {
        Config = config.Validate();
        _backend = backend;
        Capacity = capacity;
        Layout = new ParameterLayout(config);
        Parameters = parameters ?? backend.Allocate(Layout.Count);
        if (Parameters.Length != Layout.Count)
            throw new ArgumentException($"parameter buffer holds {Parameters.Length} floats; this model has {Layout.Count}");
        Gradients = backend.Allocate(Layout.Count);
        Input = backend.Allocate(capacity * config.Input);
        Noise = backend.Allocate(capacity * config.Latent);
        Latent = backend.Allocate(capacity * config.Latent);
        KlPerRow = backend.Allocate(capacity);
        LogLikelihoodPerRow = backend.Allocate(capacity);
        _encoderOut = Layout.Encoder.Select(l => backend.Allocate(capacity * l.Out)).ToArray();
        _decoderOut = Layout.Decoder.Select(l => backend.Allocate(capacity * l.Out)).ToArray();
        int widest = config.EncoderWidths().Concat(config.DecoderWidths()).Max();
        _gradA = backend.Allocate(capacity * widest);
        _gradB = backend.Allocate(capacity * widest);
        _dz = backend.Allocate(capacity * config.Latent);
    }

    public VaeConfig Config { get; }
    public ParameterLayout Layout { get; }
    public int Capacity { get; }

    public Slice Parameters { get; }
    public Slice Gradients { get; }
    public Slice Input { get; }
    public Slice Noise { get; }
    /// <summary>h = [μ | log σ] (or [μ | log σ²] with a log-variance head), [B, 2D].</summary>
    public Slice EncoderOutput => _encoderOut[^1];
    public Slice Latent { get; }
    public Slice Logits => _decoderOut[^1];
    public Slice KlPerRow { get; }
    public Slice LogLikelihoodPerRow { get; }

    /// <summary>Forward pass through the whole model: fills log p(x|z) and KL per row.</summary>
    public void Forward(int rows, bool withGradient)
    {
        Encode(rows);
        Sample(rows);
        Decode(rows);
        Score(rows, withGradient);
    }

    /// <summary>x [B,P] → h [B,2D].</summary>
    public void Encode(int rows)
    {
        CheckRows(rows);
        Stack(Layout.Encoder, _encoderOut, Input, rows);
    }

    /// <summary>h, ε → z [B,D] and KL per row.</summary>
    public void Sample(int rows) =>
        _backend.LatentForward(Config.Kl, EncoderOutput, Noise, rows, Config.Latent, Config.LogSigmaScale, Latent, KlPerRow);

    /// <summary>z [B,D] → logits [B,P].</summary>
    public void Decode(int rows)
    {
        CheckRows(rows);
        Stack(Layout.Decoder, _decoderOut, Latent, rows);
    }

    /// <summary>log p(x|z) per row; with the gradient, d loss/d logits for loss = −mean(ELBO) goes to the first gradient buffer.</summary>
    public void Score(int rows, bool withGradient) =>
        _backend.LogLikelihood(Config.Likelihood, Logits, Input, rows, Config.Input, LogLikelihoodPerRow,
            withGradient, 1f / rows, _gradA);

    /// <summary>
    /// Backward pass after <c>Forward(rows, withGradient: true)</c>: overwrites <see cref="Gradients"/> with
    /// ∂loss/∂θ for loss = −(1/B) Σ (log p(x|z) − β·KL). With <paramref name="optimizer"/>, it also takes the
    /// optimizer's next step, updating each layer as soon as the pass is done reading its parameters (PyTorch calls
    /// this the optimizer step in backward). The step is element-wise, so the bits are those of stepping the whole
    /// buffer afterwards, but a layer's weights and gradient are still in the cache from the products that just
    /// read and wrote them: at batch 100 on the CPU the step's calls took 0.58–0.72 ms where the one call after the
    /// pass took 0.67–0.85 (docs/performance.md).
    /// </summary>
    public void Backward(int rows, Adam? optimizer = null)
    {
        optimizer?.BeginStep();
        // Decoder, from d loss/d logits [B,P] back to d loss/dz [B,D].
        Slice g = _gradA, spare = _gradB;
        for (int i = Layout.Decoder.Length - 1; i >= 0; i--)
        {
            var input = i == 0 ? Latent : _decoderOut[i - 1];
            var gradIn = i == 0 ? _dz : spare;
            LinearBackward(Layout.Decoder[i], input, g, gradIn, rows, withInputGradient: true);
            Step(optimizer, Layout.Decoder[i]);
            if (i > 0) _backend.ActivationBackward(Config.Activation, input, gradIn.Sub(0, rows * Layout.Decoder[i].In));
            (g, spare) = (gradIn, g);
        }

        // Latent: dz → dh [B,2D] through the reparameterisation, plus the KL's own gradient, weighted β/B.
        g = _gradA;
        spare = _gradB;
        _backend.LatentBackward(Config.Kl, EncoderOutput, Noise, Latent, _dz, rows, Config.Latent, Config.LogSigmaScale, Config.Beta / rows, g);

        // Encoder, from dh back to the first layer; nothing needs d loss/dx.
        for (int i = Layout.Encoder.Length - 1; i >= 0; i--)
        {
            var input = i == 0 ? Input : _encoderOut[i - 1];
            LinearBackward(Layout.Encoder[i], input, g, spare, rows, withInputGradient: i > 0);
            Step(optimizer, Layout.Encoder[i]);
            if (i > 0) _backend.ActivationBackward(Config.Activation, input, spare.Sub(0, rows * Layout.Encoder[i].In));
            (g, spare) = (spare, g);
        }
    }

    /// <summary>Linear + activation layers in turn; the last layer of a stack has no activation.</summary>
    private void Stack(LinearLayer[] layers, Slice[] outputs, Slice input, int rows)
    {
        for (int i = 0; i < layers.Length; i++)
        {
            var l = layers[i];
            // y [B,Out] = x [B,In] · Wᵀ, W stored [Out,In]; then y = act(y + b).
            _backend.Gemm(false, true, rows, l.Out, l.In, 1f, input, Weight(Parameters, l), 0f, outputs[i]);
            _backend.BiasActivation(i < layers.Length - 1 ? Config.Activation : null, outputs[i], Bias(Parameters, l), rows, l.Out);
            input = outputs[i];
        }
    }

    /// <summary>Given dy [B,Out]: dW [Out,In] = dyᵀ·x, db [Out] = Σ_rows dy, and (if wanted) dx [B,In] = dy·W.</summary>
    private void LinearBackward(LinearLayer l, Slice x, Slice dy, Slice dx, int rows, bool withInputGradient)
    {
        _backend.Gemm(true, false, l.Out, l.In, rows, 1f, dy, x, 0f, Weight(Gradients, l));
        _backend.SumRows(dy, rows, l.Out, Bias(Gradients, l));
        if (withInputGradient)
            _backend.Gemm(false, false, rows, l.In, l.Out, 1f, dy, Weight(Parameters, l), 0f, dx);
    }

    /// <summary>Layer l's share of the optimizer's step, once nothing later in the backward pass reads its W or b.</summary>
    private void Step(Adam? optimizer, LinearLayer l) =>
        optimizer?.Update(Parameters, Gradients, l.WeightOffset, l.ParameterCount);

    private static Slice Weight(Slice buffer, LinearLayer l) => buffer.Sub(l.WeightOffset, l.In * l.Out);

    private static Slice Bias(Slice buffer, LinearLayer l) => buffer.Sub(l.BiasOffset, l.Out);

    private void CheckRows(int rows)
    {
        if (rows <= 0 || rows > Capacity) throw new ArgumentOutOfRangeException(nameof(rows), $"batch of {rows} rows does not fit a model sized for {Capacity}");
    }
}
