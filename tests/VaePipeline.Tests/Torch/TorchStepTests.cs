using VaePipeline.Model;
using VaePipeline.Numerics;
using VaePipeline.Tests.Model;
using VaePipeline.Tests.Training;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Model;

namespace VaePipeline.Tests.Torch;

/// <summary>
/// One training step of the torch engine (module, autograd, Adam) against PyTorch's float64 fixtures and against the
/// native engine from the same parameters, batch and ε, for each model option the fixtures do not cover.
/// </summary>
public class TorchStepTests
{
    [Theory]
    [InlineData("vae_step_tanh_h32_z2.json")]
    [InlineData("vae_step_relu_h64-32_z3.json")]
    public void Forward_gradients_and_adam_match_pytorch(string fixture)
    {
        var reference = ReferenceStep.Load(fixture);
        var layout = new ParameterLayout(reference.Config);
        var initial = new float[layout.Count];
        foreach (var t in layout.Tensors) ReferenceStep.ToFloat(reference.Params[t.Name]).CopyTo(initial, t.Offset);

        var step = OneStep.Torch(reference.Config, initial, reference.X, reference.Eps, reference.Batch);

        Close.All("recon_log_likelihood", reference.Expected["recon_log_likelihood"], step.LogLikelihood);
        Close.All("kl", reference.Expected["kl"], step.Kl);
        Close.All("logits", reference.Expected["logits"], step.Logits);
        double loss = -Enumerable.Range(0, reference.Batch).Average(i => (double)step.LogLikelihood[i] - step.Kl[i]);
        Assert.InRange(loss, reference.Loss * (1 - 1e-5), reference.Loss * (1 + 1e-5));
        foreach (var t in layout.Tensors)
        {
            Close.All($"grad {t.Name}", reference.Grads[t.Name], step.Gradients.AsSpan(t.Offset, t.Length));
            Close.All($"adam {t.Name}", reference.AdamStep[t.Name], step.Updated.AsSpan(t.Offset, t.Length));
        }
    }

    public static TheoryData<Activation, int, Likelihood, KlEstimator, PosteriorHead, Binarization> Models => new()
    {
        { Activation.Tanh, 2, Likelihood.Bernoulli, KlEstimator.Analytic, PosteriorHead.LogSigma, Binarization.Static },
        { Activation.Tanh, 3, Likelihood.Gaussian, KlEstimator.MonteCarlo, PosteriorHead.LogSigma, Binarization.Static },
        { Activation.Relu, 2, Likelihood.Gaussian, KlEstimator.Analytic, PosteriorHead.LogVariance, Binarization.None },
        { Activation.Relu, 3, Likelihood.Bernoulli, KlEstimator.MonteCarlo, PosteriorHead.LogSigma, Binarization.None },
        { Activation.Elu, 3, Likelihood.Bernoulli, KlEstimator.Analytic, PosteriorHead.LogVariance, Binarization.Static },
        { Activation.Softplus, 2, Likelihood.Bernoulli, KlEstimator.MonteCarlo, PosteriorHead.LogSigma, Binarization.Static },
    };

    [Theory, MemberData(nameof(Models))]
    public void Losses_gradients_and_adam_match_the_native_engine(Activation activation, int latent, Likelihood likelihood,
        KlEstimator kl, PosteriorHead posterior, Binarization binarization)
    {
        var config = new VaeConfig
        {
            Hidden = [48, 24], Latent = latent, Activation = activation, Likelihood = likelihood, Kl = kl,
            Posterior = posterior, Beta = 0.7f, Binarization = binarization,
        };
        var (parameters, x, eps) = Batch(config, rows: 16);
        var native = OneStep.Native(config, parameters, x, eps, 16);
        var torch = OneStep.Torch(config, parameters, x, eps, 16);

        Close.All("log p(x|z)", Doubles(native.LogLikelihood), torch.LogLikelihood);
        Close.All("kl", Doubles(native.Kl), torch.Kl);
        Close.All("encoder output", Doubles(native.EncoderOutput), torch.EncoderOutput);
        var layout = new ParameterLayout(config);
        foreach (var t in layout.Tensors)
        {
            Close.All($"grad {t.Name}", Doubles(native.Gradients.AsSpan(t.Offset, t.Length)), torch.Gradients.AsSpan(t.Offset, t.Length));
            // Adam's first step is lr·g/(|g| + ε): where |g| is near ε it turns the float32 rounding of a tiny gradient
            // into a visible step, so each engine's step is checked against Adam in double on its own gradients, and
            // the two engines' updated weights against each other wherever the gradient is well above ε.
            foreach (var (engine, step) in new[] { ("native", native), ("torch", torch) })
                Close.All($"{engine} adam {t.Name}", FirstAdamStep(parameters, step.Gradients, t), step.Updated.AsSpan(t.Offset, t.Length));
            var resolved = Enumerable.Range(t.Offset, t.Length).Where(i => Math.Abs(native.Gradients[i]) > 100 * new AdamSettings().Epsilon).ToArray();
            Close.All($"adam {t.Name} (|g| > 100ε)", [.. resolved.Select(i => (double)native.Updated[i])], resolved.Select(i => torch.Updated[i]).ToArray());
        }
    }

    /// <summary>Parameters after Adam's first step (m = (1−β₁)g, v = (1−β₂)g², both bias-corrected), in double.</summary>
    private static double[] FirstAdamStep(float[] parameters, float[] gradients, ParameterTensor t)
    {
        var s = new AdamSettings();
        return [.. Enumerable.Range(t.Offset, t.Length).Select(i =>
        {
            double g = gradients[i], m = g, v = g * g; // (1−β)g / (1−β) after the bias correction of step 1
            return parameters[i] - s.LearningRate * m / (Math.Sqrt(v) + s.Epsilon);
        })];
    }

    /// <summary>Initial parameters as training starts them, the first images encoded by the config's binarization, and ε.</summary>
    internal static (float[] Parameters, float[] X, float[] Eps) Batch(VaeConfig config, int rows)
    {
        var parameters = new ParameterLayout(config).Initialize(seed: 5);
        var x = new float[rows * config.Input];
        new VaePipeline.Data.PixelEncoder(config.Binarization, 5).Fill(Mnist.Train, [.. Enumerable.Range(100, rows)], draw: 0, x);
        var eps = new float[rows * config.Latent];
        Rng.For(5, RngStream.Noise, 0).FillGaussian(eps);
        return (parameters, x, eps);
    }

    private static double[] Doubles(ReadOnlySpan<float> values) => [.. values.ToArray().Select(v => (double)v)];
}
