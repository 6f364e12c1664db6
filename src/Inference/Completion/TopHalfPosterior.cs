namespace VaePipeline.Inference.Completion;

/// <summary>
/// The unnormalised log posterior of z given only the top half of an image:
/// log p(z, x_top) = log N(z; 0, I) + Σ_{pixels p in rows 0..13} x_p·l_p − softplus(l_p), with l = decoder logits at z
/// (the Bernoulli likelihood of docs/engine.md, restricted to the observed pixels).
/// </summary>
public sealed class TopHalfPosterior
{
    public const int ObservedRows = 14;
    private readonly LatentDecoder _decoder;
    private readonly float[] _x;
    private readonly int _observed;

    /// <param name="x">The whole image as the model's input (binarized as in training); only its top half is read.</param>
    public TopHalfPosterior(LatentDecoder decoder, float[] x, int width)
    {
        if (x.Length != decoder.PixelCount) throw new ArgumentException($"the image has {x.Length} pixels; the decoder makes {decoder.PixelCount}");
        _decoder = decoder;
        _x = x;
        _observed = ObservedRows * width;
    }

    public LatentDecoder Decoder => _decoder;
    public int LatentSize => _decoder.LatentSize;

    public double LogJoint(ReadOnlySpan<double> z) => LogJoint(z, []);

    /// <summary>log p(z, x_top); when <paramref name="gradient"/> is not empty, ∂/∂z goes into it.</summary>
    public double LogJoint(ReadOnlySpan<double> z, Span<double> gradient)
    {
        double[] logits = _decoder.Logits(z);
        double value = -0.5 * z.Length * Math.Log(2 * Math.PI);
        foreach (double zi in z) value -= 0.5 * zi * zi;
        // ∂/∂l = x − σ(l) on the observed pixels and 0 on the rest, so the bottom half never enters the gradient.
        var dLogits = gradient.IsEmpty ? null : new double[logits.Length];
        for (int p = 0; p < _observed; p++)
        {
            double l = logits[p];
            value += _x[p] * l - (Math.Max(l, 0) + Math.Log(1 + Math.Exp(-Math.Abs(l))));
            if (dLogits is not null) dLogits[p] = _x[p] - 1 / (1 + Math.Exp(-l));
        }
        if (dLogits is null) return value;
        _decoder.Backward(dLogits, gradient);
        for (int i = 0; i < z.Length; i++) gradient[i] -= z[i];
        return value;
    }
}
