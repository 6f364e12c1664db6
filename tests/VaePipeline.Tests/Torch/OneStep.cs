using VaePipeline.Model;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Model;
using VaePipeline.Training.Optim;
using VaePipeline.Training.Torch;
using static TorchSharp.torch;

namespace VaePipeline.Tests.Torch;

/// <summary>What one training step computes, read back from an engine: every array flat, row-major.</summary>
internal sealed record OneStep(float[] EncoderOutput, float[] Logits, float[] LogLikelihood, float[] Kl, float[] Gradients, float[] Updated)
{
    /// <summary>Forward, loss = −mean(log p − β·KL), backward and one Adam step (default settings) in the native engine.</summary>
    public static OneStep Native(VaeConfig config, float[] parameters, float[] x, float[] eps, int rows)
    {
        using var backend = new CpuBackend(2);
        var vae = new Vae(config, backend, rows);
        backend.Upload(parameters, vae.Parameters);
        backend.Upload(x, vae.Input);
        backend.Upload(eps, vae.Noise);
        vae.Forward(rows, withGradient: true);
        var forward = (Read(backend, vae.EncoderOutput), Read(backend, vae.Logits), Read(backend, vae.LogLikelihoodPerRow), Read(backend, vae.KlPerRow));
        vae.Backward(rows, new Adam(backend, vae.Layout.Count, new AdamSettings()));
        var gradients = Read(backend, vae.Gradients);
        return new OneStep(forward.Item1, forward.Item2, forward.Item3, forward.Item4, gradients, Read(backend, vae.Parameters));
    }

    /// <summary>The same step in the torch engine's module, autograd and Adam.</summary>
    public static OneStep Torch(VaeConfig config, float[] parameters, float[] x, float[] eps, int rows)
    {
        TorchDevice.Open(TrainingDevice.Cpu, threads: 2);
        var layout = new ParameterLayout(config);
        using var scope = NewDisposeScope();
        using var model = new TorchVae(config, CPU);
        var ordered = model.Ordered(layout);
        using (no_grad())
            for (int i = 0; i < ordered.Count; i++)
                ordered[i].Tensor.copy_(tensor(parameters[layout.Tensors[i].Offset..(layout.Tensors[i].Offset + layout.Tensors[i].Length)],
                    [.. layout.Tensors[i].Shape.Select(s => (long)s)]));
        var xs = tensor(x, [rows, config.Input]);
        var es = tensor(eps, [rows, config.Latent]);
        var (logLik, kl) = model.Terms(xs, es);
        var loss = (logLik.sum() - config.Beta * kl.sum()) / -rows;
        loss.backward();
        float[] h, logits;
        using (no_grad())
        {
            var encoded = model.Encode(xs);
            var z = encoded.narrow(1, 0, config.Latent) + (encoded.narrow(1, config.Latent, config.Latent) * config.LogSigmaScale).exp() * es;
            (h, logits) = (Flat(encoded), Flat(model.Decode(z)));
        }
        var gradients = Flatten(layout, ordered.Select(p => p.Tensor.grad!).ToList());
        using var adam = new TorchAdam([.. ordered.Select(p => p.Tensor)], new AdamSettings());
        adam.Update();
        return new OneStep(h, logits, Flat(logLik), Flat(kl), gradients, Flatten(layout, ordered.Select(p => p.Tensor).ToList()));
    }

    private static float[] Flatten(ParameterLayout layout, IReadOnlyList<Tensor> tensors)
    {
        var flat = new float[layout.Count];
        for (int i = 0; i < tensors.Count; i++) Flat(tensors[i]).CopyTo(flat, layout.Tensors[i].Offset);
        return flat;
    }

    private static float[] Flat(Tensor t) => t.detach().contiguous().data<float>().ToArray();

    private static float[] Read(IBackend backend, Slice slice)
    {
        var values = new float[slice.Length];
        backend.Download(slice, values);
        return values;
    }
}
