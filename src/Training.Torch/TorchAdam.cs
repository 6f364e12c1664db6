using VaePipeline.Training.Engine;
using static TorchSharp.torch;

namespace VaePipeline.Training.Torch;

/// <summary>
/// Adam over the module's parameters, in PyTorch's single-tensor arithmetic (torch/optim/adam.py, no amsgrad, no
/// weight decay): m ← lerp(m, g, 1 − β₁), v ← β₂v + (1 − β₂)g², p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε).
/// Ours rather than TorchSharp's torch.optim.Adam because the checkpoint holds the moments and the step count in
/// the parameter layout's order, for either engine to resume: here they are plain tensors beside each parameter.
/// </summary>
internal sealed class TorchAdam : IDisposable
{
    private readonly Tensor[] _parameters, _m, _v;
    private readonly AdamSettings _settings;

    public TorchAdam(IReadOnlyList<Tensor> parameters, AdamSettings settings)
    {
        _settings = settings.Validate();
        _parameters = [.. parameters];
        _m = [.. parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
        _v = [.. parameters.Select(p => zeros_like(p).DetachFromDisposeScope())];
    }

    /// <summary>Updates taken so far (t in the bias corrections).</summary>
    public long Step { get; set; }

    public IReadOnlyList<Tensor> FirstMoment => _m;
    public IReadOnlyList<Tensor> SecondMoment => _v;

    /// <summary>One update from the gradients the last backward pass left on the parameters.</summary>
    public void Update()
    {
        Step++;
        double beta1 = _settings.Beta1, beta2 = _settings.Beta2;
        // Bias corrections in double on the host, as PyTorch computes them.
        double stepSize = _settings.LearningRate / (1 - Math.Pow(beta1, Step));
        double bias2Sqrt = Math.Sqrt(1 - Math.Pow(beta2, Step));
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int i = 0; i < _parameters.Length; i++)
        {
            var g = _parameters[i].grad ?? throw new InvalidOperationException("Adam step without gradients: run backward first");
            _m[i].lerp_(g, 1 - beta1);
            _v[i].mul_(beta2).addcmul_(g, g, 1 - beta2);
            var denom = _v[i].sqrt().div_(bias2Sqrt).add_(_settings.Epsilon);
            _parameters[i].addcdiv_(_m[i], denom, -stepSize);
        }
    }

    public void Dispose()
    {
        foreach (var t in _m.Concat(_v)) t.Dispose();
    }
}
