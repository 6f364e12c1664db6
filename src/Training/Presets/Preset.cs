using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Loop;

namespace VaePipeline.Training.Presets;

/// <summary>
/// One reference write-up's configuration, runnable by name (`vae train --preset NAME`; any option given beside it
/// still wins). Where a write-up did something non-standard, the preset keeps the standard ELBO and
/// <see cref="Differences"/> says what differs.
/// </summary>
public sealed record Preset(string Name, string Source, VaeConfig Model, TrainingOptions Training, string Differences)
{
    public static readonly IReadOnlyList<Preset> All =
    [
        new("kingma-welling", "Kingma & Welling (2014), the paper's MNIST setting with a 2-D latent",
            new VaeConfig(), new TrainingOptions(),
            "The paper used Adagrad; the write-ups this project follows, and these defaults, use Adam (lr 1e-3)."),
        new("kingma-welling-10k", "the Flux.jl reproduction of Kingma & Welling: the first 10,000 training images",
            new VaeConfig { Kl = KlEstimator.MonteCarlo }, new TrainingOptions { TrainSize = 10_000 },
            "None in the model; the KL is the single-sample estimate log q(z|x) − log p(z), as that reproduction computed it."),
        new("beta-vae", "a β-VAE write-up: two ReLU layers of 100, a 10-D latent, β = 0.01",
            new VaeConfig { Hidden = [100, 100], Activation = Activation.Relu, Latent = 10, Beta = 0.01f, Binarization = Binarization.None },
            new TrainingOptions { BatchSize = 64, Steps = 1024, Adam = new AdamSettings(LearningRate: 1e-3f) },
            "Pixel intensities in [0, 1] are scored with the Bernoulli cross-entropy summed over pixels (the standard ELBO's term)."),
        new("elu-deep", "a deeper ELU write-up: encoder 784-256-128-64, a log-variance head, 2-D latent",
            new VaeConfig { Hidden = [256, 128, 64], Activation = Activation.Elu, Latent = 2, Posterior = PosteriorHead.LogVariance, Binarization = Binarization.None },
            new TrainingOptions { BatchSize = 256, Steps = 5000, Batches = BatchOrder.Random },
            "None: every batch is drawn at random, as the write-up drew them."),
        new("relu-mse", "a small ReLU write-up: encoder 784-64-32, 4-D latent, sigmoid outputs with a squared-error loss",
            new VaeConfig { Hidden = [64, 32], Activation = Activation.Relu, Latent = 4, Likelihood = Likelihood.Gaussian },
            new TrainingOptions { BatchSize = 200, Epochs = 50 },
            "The write-up's squared error is the unit-variance Gaussian log-likelihood here, summed over pixels rather than averaged."),
    ];

    /// <exception cref="ArgumentException">No preset has that name; the message lists them.</exception>
    public static Preset Named(string name) =>
        All.FirstOrDefault(p => p.Name == name)
        ?? throw new ArgumentException($"no preset '{name}' (presets: {string.Join(", ", All.Select(p => p.Name))})");
}
