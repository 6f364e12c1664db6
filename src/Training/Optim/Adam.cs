using VaePipeline.Training.Engine;

namespace VaePipeline.Training.Optim;

/// <summary>Adam over the model's one flat parameter buffer; its moments share the parameters' layout.</summary>
public sealed class Adam
{
    private readonly IBackend _backend;

    public Adam(IBackend backend, int parameterCount, AdamSettings settings)
    {
        _backend = backend;
        Settings = settings.Validate();
        FirstMoment = backend.Allocate(parameterCount);
        SecondMoment = backend.Allocate(parameterCount);
    }

    public AdamSettings Settings { get; }
    public Slice FirstMoment { get; }
    public Slice SecondMoment { get; }

    /// <summary>Number of updates taken so far (t in the bias corrections).</summary>
    public long Step { get; set; }

    public void Update(Slice parameters, Slice gradients)
    {
        Step++;
        _backend.AdamStep(parameters, gradients, FirstMoment, SecondMoment, Settings, Step);
    }
}
