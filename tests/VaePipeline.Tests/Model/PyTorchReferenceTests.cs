using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Model;
using VaePipeline.Training.Optim;

namespace VaePipeline.Tests.Model;

/// <summary>
/// The forward pass, every parameter gradient and one Adam step against PyTorch autograd (float64) on both
/// reference fixtures, at one and two threads.
/// </summary>
public class PyTorchReferenceTests
{
    public static TheoryData<string, int> Cases => new()
    {
        { "vae_step_tanh_h32_z2.json", 1 },
        { "vae_step_tanh_h32_z2.json", 2 },
        { "vae_step_relu_h64-32_z3.json", 1 },
        { "vae_step_relu_h64-32_z3.json", 2 },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Forward_gradients_and_adam_match_pytorch(string fixture, int threads)
    {
        using var backend = new CpuBackend(threads);
        StepMatches(fixture, backend);
    }

    /// <summary>The whole check on any backend (the GPU tests run it on theirs).</summary>
    internal static void StepMatches(string fixture, IBackend backend)
    {
        var reference = ReferenceStep.Load(fixture);
        int b = reference.Batch, d = reference.Config.Latent, p = reference.Config.Input;
        var vae = new Vae(reference.Config, backend, capacity: b);
        var initial = Flatten(vae.Layout, reference.Params);
        backend.Upload(initial, vae.Parameters);
        backend.Upload(reference.X, vae.Input.Sub(0, b * p));
        backend.Upload(reference.Eps, vae.Noise.Sub(0, b * d));

        vae.Forward(b, withGradient: true);

        var h = Download(backend, vae.EncoderOutput, b * 2 * d);
        var mu = new float[b * d];
        var logSigma = new float[b * d];
        for (int r = 0; r < b; r++)
        {
            h.AsSpan(r * 2 * d, d).CopyTo(mu.AsSpan(r * d));
            h.AsSpan(r * 2 * d + d, d).CopyTo(logSigma.AsSpan(r * d));
        }
        Close.All("mu", reference.Expected["mu"], mu);
        Close.All("log_sigma", reference.Expected["log_sigma"], logSigma);
        Close.All("z", reference.Expected["z"], Download(backend, vae.Latent, b * d));
        Close.All("logits", reference.Expected["logits"], Download(backend, vae.Logits, b * p));
        var logLik = Download(backend, vae.LogLikelihoodPerRow, b);
        var kl = Download(backend, vae.KlPerRow, b);
        Close.All("recon_log_likelihood", reference.Expected["recon_log_likelihood"], logLik);
        Close.All("kl", reference.Expected["kl"], kl);
        double loss = -Enumerable.Range(0, b).Average(i => (double)logLik[i] - kl[i]);
        Assert.InRange(loss, reference.Loss * (1 - 1e-5), reference.Loss * (1 + 1e-5));

        var adam = new Adam(backend, vae.Layout.Count, new AdamSettings());
        vae.Backward(b, adam); // the training step's own path: each layer's update inside the backward pass
        var grads = Download(backend, vae.Gradients, vae.Layout.Count);
        foreach (var t in vae.Layout.Tensors)
            Close.All($"grad {t.Name}", reference.Grads[t.Name], grads.AsSpan(t.Offset, t.Length));

        var updated = Download(backend, vae.Parameters, vae.Layout.Count);
        foreach (var t in vae.Layout.Tensors)
        {
            Close.All($"adam {t.Name}", reference.AdamStep[t.Name], updated.AsSpan(t.Offset, t.Length));
            // The step itself (about lr per element) must match too, not only the parameter it moved.
            var expectedStep = reference.AdamStep[t.Name].Zip(reference.Params[t.Name], (a, q) => a - q).ToArray();
            var actualStep = updated.AsSpan(t.Offset, t.Length).ToArray().Zip(initial.AsSpan(t.Offset, t.Length).ToArray(), (a, q) => a - q).ToArray();
            Close.All($"adam step {t.Name}", expectedStep, actualStep, rel: 2e-3);
        }
    }

    private static float[] Flatten(ParameterLayout layout, Dictionary<string, double[]> tensors)
    {
        var flat = new float[layout.Count];
        foreach (var t in layout.Tensors)
        {
            Assert.True(tensors.ContainsKey(t.Name), $"fixture lacks {t.Name}");
            ReferenceStep.ToFloat(tensors[t.Name]).CopyTo(flat, t.Offset);
        }
        Assert.Equal(layout.Tensors.Count, tensors.Count);
        return flat;
    }

    private static float[] Download(IBackend backend, Slice slice, int count)
    {
        var values = new float[count];
        backend.Download(slice, values);
        return values;
    }
}
