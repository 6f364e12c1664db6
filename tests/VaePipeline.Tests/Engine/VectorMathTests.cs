using System.Numerics;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

/// <summary>
/// The engine's single-precision transcendental functions against double precision over their whole working range:
/// a dense grid plus the edges (tiny arguments, the switch points, the clamps). Bounds are relative, in units of
/// float's epsilon (1.19·10⁻⁷); where a result is below 10⁻³⁷ only an absolute bound applies (Exp never returns a
/// subnormal).
/// </summary>
public sealed class VectorMathTests
{
    private const double Epsilon = 1.1920929e-7;

    [Fact]
    public void ExpIsWithinTwoUlpsFromItsLowerToItsUpperClamp()
    {
        var xs = Grid(-87.3, 88.7, 400_001).Concat([0, -1e-30, 1e-30, 0.34657359, -0.34657359]);
        Assert.InRange(MaxError(xs, VectorMath.Exp, Math.Exp), 0, 2 * Epsilon);
    }

    [Fact]
    public void TanhIsWithinThreeUlpsEverywhere()
    {
        var xs = Grid(-12, 12, 400_001).Concat(Grid(0.6249, 0.6251, 1001)).Concat(Tiny()).Concat(Tiny().Select(x => -x));
        Assert.InRange(MaxError(xs, VectorMath.Tanh, Math.Tanh), 0, 3 * Epsilon);
    }

    [Fact]
    public void Log1PKeepsFullPrecisionForTinyArguments()
    {
        var es = Grid(0, 1, 200_001).Concat(Tiny());
        Assert.InRange(MaxError(es, VectorMath.Log1PUnit, Log1P), 0, 2 * Epsilon);
    }

    [Fact]
    public void SoftplusAndSigmoidAreAccurateAndFiniteForAnyLogit()
    {
        var xs = Grid(-120, 120, 400_001).Concat([float.MaxValue, -float.MaxValue, 1e-30, -1e-30]);
        double Softplus(double x) => Math.Max(x, 0) + Log1P(Math.Exp(-Math.Abs(x)));
        double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
        Assert.InRange(MaxError(xs, v => VectorMath.Softplus(v, VectorMath.ExpNegAbs(v)), Softplus), 0, 3 * Epsilon);
        Assert.InRange(MaxError(xs, v => VectorMath.Sigmoid(v, VectorMath.ExpNegAbs(v)), Sigmoid), 0, 3 * Epsilon);
    }

    [Fact]
    public void NaNStaysNaN()
    {
        var nan = new Vector<float>(float.NaN);
        var e = VectorMath.ExpNegAbs(nan);
        foreach (var (name, value) in new[] { ("exp", VectorMath.Exp(nan)), ("tanh", VectorMath.Tanh(nan)), ("log1p", VectorMath.Log1PUnit(nan)),
                                               ("softplus", VectorMath.Softplus(nan, e)), ("sigmoid", VectorMath.Sigmoid(nan, e)) })
            Assert.True(float.IsNaN(value[0]), $"{name}(NaN) = {value[0]}");
    }

    /// <summary>The largest relative error of <paramref name="f"/> over <paramref name="xs"/>; results below 10⁻³⁷ count by absolute error.</summary>
    private static double MaxError(IEnumerable<double> xs, Func<Vector<float>, Vector<float>> f, Func<double, double> reference)
    {
        var inputs = xs.Select(x => (float)x).ToArray();
        int w = Vector<float>.Count;
        var padded = new float[(inputs.Length + w - 1) / w * w];
        inputs.CopyTo(padded, 0);
        var outputs = new float[padded.Length];
        for (int i = 0; i < padded.Length; i += w) f(new Vector<float>(padded, i)).CopyTo(outputs, i);
        double worst = 0;
        for (int i = 0; i < inputs.Length; i++)
        {
            double exact = reference(inputs[i]), got = outputs[i];
            Assert.True(double.IsFinite(got), $"f({inputs[i]:R}) = {got}");
            double error = Math.Abs(exact) < 1e-37 ? (Math.Abs(got - exact) < 1e-37 ? 0 : double.PositiveInfinity) : Math.Abs(got - exact) / Math.Abs(exact);
            Assert.True(error < 1e-3, $"f({inputs[i]:R}) = {got:R}, expected {exact:R}");
            worst = Math.Max(worst, error);
        }
        return worst;
    }

    /// <summary>log(1 + e) in double without the cancellation of Math.Log(1 + e) (which double.LogP1 also computes).</summary>
    private static double Log1P(double e) => e < 1e-4 ? e * (1 - e * (1.0 / 2 - e * (1.0 / 3 - e / 4))) : Math.Log(1 + e);

    private static IEnumerable<double> Grid(double from, double to, int points) =>
        Enumerable.Range(0, points).Select(i => from + (to - from) * i / (points - 1));

    private static IEnumerable<double> Tiny() => Enumerable.Range(1, 30).Select(k => Math.Pow(10, -k));
}
