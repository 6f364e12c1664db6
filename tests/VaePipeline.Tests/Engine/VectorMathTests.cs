using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

/// <summary>
/// The engine's single-precision transcendental functions against double precision over their whole working range:
/// a dense grid plus the edges (tiny arguments, the switch points, the clamps). Bounds are relative, in units of
/// float's epsilon (1.19·10⁻⁷); where a result is below 10⁻³⁷ only an absolute bound applies (Exp never returns a
/// subnormal). Each function runs on every SIMD path this CPU has, and every path must give the same bits.
/// </summary>
public sealed unsafe class VectorMathTests
{
    private const double Epsilon = 1.1920929e-7;

    [Fact]
    public void ExpIsWithinTwoUlpsFromItsLowerToItsUpperClamp()
    {
        var xs = Grid(-87.3, 88.7, 400_001).Concat([0, -1e-30, 1e-30, 0.34657359, -0.34657359]);
        Assert.InRange(MaxError(xs, Function.Exp, Math.Exp), 0, 2 * Epsilon);
    }

    [Fact]
    public void TanhIsWithinThreeUlpsEverywhere()
    {
        var xs = Grid(-12, 12, 400_001).Concat(Grid(0.6249, 0.6251, 1001)).Concat(Tiny()).Concat(Tiny().Select(x => -x));
        Assert.InRange(MaxError(xs, Function.Tanh, Math.Tanh), 0, 3 * Epsilon);
    }

    [Fact]
    public void Log1PKeepsFullPrecisionForTinyArguments()
    {
        var es = Grid(0, 1, 200_001).Concat(Tiny());
        Assert.InRange(MaxError(es, Function.Log1P, Log1P), 0, 2 * Epsilon);
    }

    [Fact]
    public void SoftplusAndSigmoidAreAccurateAndFiniteForAnyLogit()
    {
        var xs = Grid(-120, 120, 400_001).Concat([float.MaxValue, -float.MaxValue, 1e-30, -1e-30]);
        double Softplus(double x) => Math.Max(x, 0) + Log1P(Math.Exp(-Math.Abs(x)));
        double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));
        Assert.InRange(MaxError(xs, Function.Softplus, Softplus), 0, 3 * Epsilon);
        Assert.InRange(MaxError(xs, Function.Sigmoid, Sigmoid), 0, 3 * Epsilon);
    }

    [Fact]
    public void NaNStaysNaN()
    {
        foreach (Function function in Enum.GetValues<Function>())
        {
            foreach (SimdPath path in SimdChoice.Supported)
                Assert.True(float.IsNaN(Evaluate(path, function, [float.NaN])[0]), $"{function}(NaN) on {path.Name()}");
        }
    }

    public enum Function { Exp, Tanh, Log1P, Softplus, Sigmoid }

    /// <summary>
    /// The largest relative error of <paramref name="function"/> over <paramref name="xs"/> (results below 10⁻³⁷ count by
    /// absolute error), after checking that every SIMD path computes the same bits.
    /// </summary>
    private static double MaxError(IEnumerable<double> xs, Function function, Func<double, double> reference)
    {
        var inputs = xs.Select(x => (float)x).ToArray();
        var outputs = Evaluate(SimdChoice.Supported[0], function, inputs);
        foreach (SimdPath path in SimdChoice.Supported.Skip(1))
        {
            var other = Evaluate(path, function, inputs);
            int differs = Enumerable.Range(0, inputs.Length).FirstOrDefault(i => BitConverter.SingleToInt32Bits(other[i]) != BitConverter.SingleToInt32Bits(outputs[i]), -1);
            Assert.True(differs < 0, $"{path.Name()}: {function}({(differs < 0 ? 0 : inputs[differs]):R}) differs from scalar");
        }
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

    /// <summary><paramref name="function"/> of every input, a vector of <paramref name="path"/>'s width at a time.</summary>
    private static float[] Evaluate(SimdPath path, Function function, float[] inputs)
    {
        const int widest = 16; // padded to whole vectors of every width
        var work = new Evaluation
        {
            Function = function,
            Inputs = new float[(inputs.Length + widest - 1) / widest * widest],
            Outputs = new float[(inputs.Length + widest - 1) / widest * widest],
        };
        inputs.CopyTo(work.Inputs, 0);
        path.Run(ref work);
        return work.Outputs[..inputs.Length];
    }

    private struct Evaluation : ISimdWork
    {
        public Function Function;
        public float[] Inputs, Outputs;

        public readonly void Run<TLanes, TVector>() where TLanes : struct, IFloatLanes<TVector> where TVector : unmanaged
        {
            fixed (float* input = Inputs, output = Outputs)
            {
                for (int i = 0; i < Inputs.Length; i += TLanes.Count)
                {
                    var x = TLanes.Load(input + i);
                    TLanes.Store(output + i, Function switch
                    {
                        Function.Exp => VectorMath.Exp<TLanes, TVector>(x),
                        Function.Tanh => VectorMath.Tanh<TLanes, TVector>(x),
                        Function.Log1P => VectorMath.Log1PUnit<TLanes, TVector>(x),
                        Function.Softplus => VectorMath.Softplus<TLanes, TVector>(x, VectorMath.ExpNegAbs<TLanes, TVector>(x)),
                        _ => VectorMath.Sigmoid<TLanes, TVector>(x, VectorMath.ExpNegAbs<TLanes, TVector>(x)),
                    });
                }
            }
        }
    }

    /// <summary>log(1 + e) in double without the cancellation of Math.Log(1 + e) (which double.LogP1 also computes).</summary>
    private static double Log1P(double e) => e < 1e-4 ? e * (1 - e * (1.0 / 2 - e * (1.0 / 3 - e / 4))) : Math.Log(1 + e);

    private static IEnumerable<double> Grid(double from, double to, int points) =>
        Enumerable.Range(0, points).Select(i => from + (to - from) * i / (points - 1));

    private static IEnumerable<double> Tiny() => Enumerable.Range(1, 30).Select(k => Math.Pow(10, -k));
}
