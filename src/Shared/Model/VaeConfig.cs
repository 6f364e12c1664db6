using System.Text.Json;
using System.Text.Json.Serialization;

namespace VaePipeline.Model;

public enum Activation { Tanh, Relu, Elu, Softplus }

/// <summary>p(x|z): Bernoulli on the decoder's logits, or a unit-variance Gaussian whose mean is sigmoid(logits).</summary>
public enum Likelihood { Bernoulli, Gaussian }

/// <summary>How KL(q(z|x) || p(z)) enters the ELBO: in closed form, or as the single-sample estimate log q(z|x) − log p(z).</summary>
public enum KlEstimator { Analytic, MonteCarlo }

/// <summary>
/// What the second half of the encoder's output means: log σ itself (Kingma &amp; Welling), or log σ² (the "log-variance"
/// head many implementations use). The same family of posteriors, but Adam moves log σ half as fast through a
/// log-variance head, which changes training.
/// </summary>
public enum PosteriorHead { LogSigma, LogVariance }

/// <summary>How 0..255 pixels become the model's input x.</summary>
public enum Binarization
{
    /// <summary>x = 1 where intensity &gt; 0.5 (pixel ≥ 128), else 0: the Kingma &amp; Welling setting.</summary>
    Static,
    /// <summary>x ~ Bernoulli(intensity), drawn anew every time an image is used.</summary>
    Dynamic,
    /// <summary>x = intensity in [0, 1], scored with the Bernoulli cross-entropy.</summary>
    None,
}

/// <summary>
/// Everything that fixes the network and its objective. Encoder: Input → Hidden… → 2·Latent (mean, then log σ);
/// decoder: Latent → reversed Hidden… → Input logits. Both sides of the project read this from checkpoints.
/// </summary>
public sealed record VaeConfig
{
    public int Input { get; init; } = 784;
    public int[] Hidden { get; init; } = [500];
    public int Latent { get; init; } = 2;
    public PosteriorHead Posterior { get; init; } = PosteriorHead.LogSigma;
    public Activation Activation { get; init; } = Activation.Tanh;
    public Likelihood Likelihood { get; init; } = Likelihood.Bernoulli;
    public KlEstimator Kl { get; init; } = KlEstimator.Analytic;
    public float Beta { get; init; } = 1f;
    public Binarization Binarization { get; init; } = Binarization.Static;

    /// <summary>log σ = <see cref="LogSigmaScale"/> · (the encoder's second output half).</summary>
    public float LogSigmaScale => Posterior == PosteriorHead.LogVariance ? 0.5f : 1f;

    /// <summary>Layer widths from input to encoder output, e.g. [784, 500, 4].</summary>
    public int[] EncoderWidths() => [Input, .. Hidden, 2 * Latent];

    /// <summary>Layer widths from latent to logits, e.g. [2, 500, 784]: the encoder's hidden sizes mirrored.</summary>
    public int[] DecoderWidths() => [Latent, .. Hidden.Reverse(), Input];

    /// <summary>Throws <see cref="ArgumentException"/> naming the first nonsensical setting.</summary>
    public VaeConfig Validate()
    {
        if (Input <= 0) throw new ArgumentException($"input size must be positive (got {Input})");
        if (Latent <= 0) throw new ArgumentException($"latent size must be positive (got {Latent})");
        foreach (var h in Hidden)
            if (h <= 0) throw new ArgumentException($"hidden sizes must be positive (got {string.Join(",", Hidden)})");
        if (!(Beta >= 0) || float.IsInfinity(Beta)) throw new ArgumentException($"beta must be a finite number ≥ 0 (got {Beta})");
        return this;
    }

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    public static VaeConfig FromJson(string json) =>
        (JsonSerializer.Deserialize<VaeConfig>(json, JsonOptions) ?? throw new JsonException("empty model config")).Validate();

    /// <summary>Same network and objective: records compare arrays by reference, so compare the serialized form.</summary>
    public bool SameAs(VaeConfig other) => ToJson() == other.ToJson();

    public static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        WriteIndented = false,
    };
}
