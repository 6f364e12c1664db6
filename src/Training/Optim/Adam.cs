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

    /// <summary>Starts update t = <see cref="Step"/> + 1; <see cref="Update"/> then applies it to each stretch of the buffer once.</summary>
    public void BeginStep() => Step++;

    /// <summary>
    /// Applies the current update to parameters [offset, offset + length) from their gradients. The update is
    /// element-wise, so stretches can take it in any order and at any time after their gradients are final.
    /// </summary>
    public void Update(Slice parameters, Slice gradients, int offset, int length)
    {
        if (Step == 0)
            throw new InvalidOperationException("Adam.Update before BeginStep: there is no step t = 0");
        _backend.AdamStep(parameters.Sub(offset, length), gradients.Sub(offset, length),
            FirstMoment.Sub(offset, length), SecondMoment.Sub(offset, length), Settings, Step);
    }
}
