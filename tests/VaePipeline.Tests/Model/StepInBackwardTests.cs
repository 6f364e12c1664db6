using VaePipeline.Model;
using VaePipeline.Numerics;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;
using VaePipeline.Training.Model;
using VaePipeline.Training.Optim;

namespace VaePipeline.Tests.Model;

/// <summary>
/// The training step updates each layer inside the backward pass (<see cref="Vae.Backward"/> with an optimizer). That
/// is only right if no later part of the pass reads a layer's parameters after its update: these runs must end with
/// the bits of the plain order, the whole backward pass first and then Adam over the whole buffer.
/// </summary>
public class StepInBackwardTests
{
    private const int Batch = 7;

    public static TheoryData<string, VaeConfig> Cases => new()
    {
        { "one hidden layer", new VaeConfig { Input = 20, Hidden = [9], Latent = 2 } },
        { "three hidden layers, elu", new VaeConfig { Input = 20, Hidden = [11, 8, 6], Latent = 3, Activation = Activation.Elu } },
        { "log-variance head, gaussian", new VaeConfig { Input = 20, Hidden = [10], Latent = 2, Posterior = PosteriorHead.LogVariance, Likelihood = Likelihood.Gaussian } },
    };

    [Theory, MemberData(nameof(Cases))]
    public void Parameters_and_moments_match_stepping_after_the_backward_pass(string name, VaeConfig config)
    {
        using var backend = new CpuBackend(2);
        var inBackward = Train(backend, config, (vae, adam) => vae.Backward(Batch, adam));
        var afterwards = Train(backend, config, (vae, adam) =>
        {
            vae.Backward(Batch);
            adam.BeginStep();
            adam.Update(vae.Parameters, vae.Gradients, 0, vae.Layout.Count);
        });

        Assert.True(inBackward.Parameters.AsSpan().SequenceEqual(afterwards.Parameters), $"{name}: parameters differ");
        Assert.True(inBackward.FirstMoment.AsSpan().SequenceEqual(afterwards.FirstMoment), $"{name}: first moments differ");
        Assert.True(inBackward.SecondMoment.AsSpan().SequenceEqual(afterwards.SecondMoment), $"{name}: second moments differ");
    }

    [Fact]
    public void Update_before_BeginStep_is_refused()
    {
        using var backend = new CpuBackend(1);
        var vae = new Vae(new VaeConfig { Input = 4, Hidden = [3], Latent = 1 }, backend, 1);
        var adam = new Adam(backend, vae.Layout.Count, new AdamSettings());
        Assert.Throws<InvalidOperationException>(() => adam.Update(vae.Parameters, vae.Gradients, 0, vae.Layout.Count));
    }

    /// <summary>Three steps of <paramref name="backwardAndStep"/> on fixed data from a fixed start.</summary>
    private static (float[] Parameters, float[] FirstMoment, float[] SecondMoment) Train(IBackend backend, VaeConfig config, Action<Vae, Adam> backwardAndStep)
    {
        var vae = new Vae(config, backend, Batch);
        var adam = new Adam(backend, vae.Layout.Count, new AdamSettings(LearningRate: 0.05f));
        var rng = new Rng(3);
        var x = new float[Batch * config.Input];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextFloat() < 0.3f ? 1 : 0;
        var eps = new float[Batch * config.Latent];
        rng.FillGaussian(eps);
        backend.Upload(vae.Layout.Initialize(seed: 11), vae.Parameters);
        backend.Upload(x, vae.Input);
        backend.Upload(eps, vae.Noise);
        for (int step = 0; step < 3; step++)
        {
            vae.Forward(Batch, withGradient: true);
            backwardAndStep(vae, adam);
        }
        return (Read(backend, vae.Parameters), Read(backend, adam.FirstMoment), Read(backend, adam.SecondMoment));
    }

    private static float[] Read(IBackend backend, Slice slice)
    {
        var values = new float[slice.Length];
        backend.Download(slice, values);
        return values;
    }
}
