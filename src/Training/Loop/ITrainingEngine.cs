using VaePipeline.Data;
using VaePipeline.Model;

namespace VaePipeline.Training.Loop;

/// <summary>
/// One engine's whole training step over one flat parameter set (the checkpoint's <c>ParameterLayout</c> order):
/// forward, loss, backward and Adam. The <see cref="Trainer"/> drives any engine the same way, so batches, noise,
/// checkpoints, metrics, progress and Ctrl+C are one implementation whatever computes the step; the seam is a
/// whole step rather than a kernel so an engine with autograd (TorchSharp) fits as well as the native one.
/// </summary>
public interface ITrainingEngine : IDisposable
{
    /// <summary>One line for logs, e.g. "native, cpu (2 threads, AVX2)".</summary>
    string Description { get; }

    /// <summary>
    /// Forward, loss, backward and one Adam step on these training images, their pixels encoded by the engine's
    /// <see cref="PixelEncoder"/> for <paramref name="draw"/>, with noise <paramref name="eps"/> [rows × D].
    /// Returns sums over the rows of log p(x|z) and of KL, as the forward pass computed them before the update.
    /// </summary>
    BatchTerms Step(ReadOnlySpan<int> images, long draw, ReadOnlySpan<float> eps);

    /// <summary>
    /// Forward only, without gradients: sums over the rows of log p(x|z) and of KL for inputs <paramref name="x"/>
    /// [rows × P], already encoded, and noise <paramref name="eps"/> [rows × D]; rows ≤ <see cref="Evaluator.Batch"/>.
    /// </summary>
    BatchTerms Score(ReadOnlySpan<float> x, ReadOnlySpan<float> eps, int rows);

    /// <summary>Replaces the parameters, Adam's moments and Adam's step count.</summary>
    void Load(OptimizerState state);

    /// <summary>Copies the parameters, Adam's moments and Adam's step count out into <paramref name="state"/>.</summary>
    void Save(OptimizerState state);
}

/// <summary>Sums over a batch's rows of log p(x|z) and of the KL term.</summary>
public readonly record struct BatchTerms(double LogLikelihood, double Kl);

/// <summary>Everything an optimizer step depends on besides the data: host arrays in the parameter layout's order.</summary>
public sealed class OptimizerState(int parameterCount)
{
    public float[] Parameters { get; } = new float[parameterCount];
    public float[] FirstMoment { get; } = new float[parameterCount];
    public float[] SecondMoment { get; } = new float[parameterCount];
    /// <summary>Adam updates taken so far (t in its bias corrections).</summary>
    public long AdamStep { get; set; }
}

/// <summary>Makes the engine for one run: a sweep makes one per grid point, each with its own config.</summary>
public delegate ITrainingEngine EngineFactory(VaeConfig config, TrainingOptions options, MnistSplit train);
