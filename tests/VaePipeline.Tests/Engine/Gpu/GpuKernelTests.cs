using VaePipeline.Model;
using VaePipeline.Tests.Model;
using VaePipeline.Training.Engine;

namespace VaePipeline.Tests.Engine.Gpu;

/// <summary>
/// Each GPU kernel against the CPU backend on random inputs, at sizes that are not multiples of the tiles and groups
/// (GEMM tile 16, reduction group 256, 32 columns per row sum), with logits out to ±200.
/// </summary>
[Collection(GpuCollection.Name)]
public sealed class GpuKernelTests(GpuTestDevice device)
{
    private static float[] Random(int n, float scale, int seed)
    {
        var rng = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => scale * (2 * rng.NextSingle() - 1)).ToArray();
    }

    private void Same(string what, Slice cpu, Slice gpu, double rel = 1e-5)
    {
        var expected = GpuTestDevice.Read(device.Reference, cpu).Select(v => (double)v).ToArray();
        Close.All(what, expected, GpuTestDevice.Read(device.Backend, gpu), rel);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Gemm_matches_cpu_in_every_transpose(bool transA, bool transB)
    {
        const int m = 37, n = 19, k = 45;
        var (ga, ca) = device.Both(Random(m * k, 1, 1));
        var (gb, cb) = device.Both(Random(k * n, 1, 2));
        var (gc, cc) = device.Both(Random(m * n, 1, 3));
        device.Backend.Gemm(transA, transB, m, n, k, 0.75f, ga, gb, 0.5f, gc);
        device.Reference.Gemm(transA, transB, m, n, k, 0.75f, ca, cb, 0.5f, cc);
        Same($"gemm {transA}/{transB}", cc, gc);
    }

    [Fact]
    public void Gemm_with_beta_zero_overwrites_whatever_c_held()
    {
        const int m = 5, n = 33, k = 17;
        var (ga, ca) = device.Both(Random(m * k, 1, 4));
        var (gb, cb) = device.Both(Random(k * n, 1, 5));
        var (gc, cc) = device.Both(Enumerable.Repeat(float.NaN, m * n).ToArray());
        device.Backend.Gemm(false, true, m, n / 3, k, 1f, ga, gb, 0f, gc.Sub(0, m * (n / 3)));
        device.Reference.Gemm(false, true, m, n / 3, k, 1f, ca, cb, 0f, cc.Sub(0, m * (n / 3)));
        Same("gemm beta 0", cc.Sub(0, m * (n / 3)), gc.Sub(0, m * (n / 3)));
        Assert.All(GpuTestDevice.Read(device.Backend, gc.Sub(m * (n / 3), m * n - m * (n / 3))), v => Assert.True(float.IsNaN(v), "outside c was written"));
    }

    public static TheoryData<Activation?> Activations => new() { null, Activation.Tanh, Activation.Relu, Activation.Elu, Activation.Softplus };

    [Theory, MemberData(nameof(Activations))]
    public void Bias_activation_and_its_backward_match_cpu(Activation? activation)
    {
        const int rows = 7, cols = 33;
        var (gy, cy) = device.Both(Random(rows * cols, 30, 6)); // far into both tails of every activation
        var (gb, cb) = device.Both(Random(cols, 2, 7));
        device.Backend.BiasActivation(activation, gy, gb, rows, cols);
        device.Reference.BiasActivation(activation, cy, cb, rows, cols);
        Same($"{activation} forward", cy, gy);
        if (activation is not { } a) return;
        // The backward kernel is checked on the CPU's own y: near tanh's saturation 1 − y² turns the last-bit
        // differences of two tanh implementations into large relative ones.
        device.Backend.Upload(GpuTestDevice.Read(device.Reference, cy), gy);
        var (gd, cd) = device.Both(Random(rows * cols, 1, 8));
        device.Backend.ActivationBackward(a, gy, gd);
        device.Reference.ActivationBackward(a, cy, cd);
        Same($"{a} backward", cd, gd);
    }

    [Theory]
    [InlineData(1, 3)]
    [InlineData(9, 70)]
    [InlineData(130, 4)]
    public void Sum_rows_matches_cpu(int rows, int cols)
    {
        var (gm, cm) = device.Both(Random(rows * cols, 1, rows + cols));
        var gs = device.Backend.Allocate(cols);
        var cs = device.Reference.Allocate(cols);
        device.Backend.SumRows(gm, rows, cols, gs);
        device.Reference.SumRows(cm, rows, cols, cs);
        Same($"sum rows {rows}×{cols}", cs, gs);
    }

    [Theory]
    [InlineData(KlEstimator.Analytic, 1f)]
    [InlineData(KlEstimator.Analytic, 0.5f)]
    [InlineData(KlEstimator.MonteCarlo, 1f)]
    [InlineData(KlEstimator.MonteCarlo, 0.5f)]
    public void Latent_forward_and_backward_match_cpu(KlEstimator kl, float logSigmaScale)
    {
        const int rows = 13, d = 3;
        var (gh, ch) = device.Both(Random(rows * 2 * d, 2, 9));
        var (ge, ce) = device.Both(Random(rows * d, 2, 10));
        var (gz, cz) = device.Both(new float[rows * d]);
        var (gk, ck) = device.Both(new float[rows]);
        device.Backend.LatentForward(kl, gh, ge, rows, d, logSigmaScale, gz, gk);
        device.Reference.LatentForward(kl, ch, ce, rows, d, logSigmaScale, cz, ck);
        Same("z", cz, gz);
        Same("kl per row", ck, gk);
        var (gdz, cdz) = device.Both(Random(rows * d, 1, 11));
        var (gdh, cdh) = device.Both(new float[rows * 2 * d]);
        device.Backend.LatentBackward(kl, gh, ge, gz, gdz, rows, d, logSigmaScale, 0.3f, gdh);
        device.Reference.LatentBackward(kl, ch, ce, cz, cdz, rows, d, logSigmaScale, 0.3f, cdh);
        Same("dh", cdh, gdh);
    }

    [Theory]
    [InlineData(Likelihood.Bernoulli, true)]
    [InlineData(Likelihood.Bernoulli, false)]
    [InlineData(Likelihood.Gaussian, true)]
    [InlineData(Likelihood.Gaussian, false)]
    public void Log_likelihood_and_gradient_match_cpu(Likelihood likelihood, bool withGradient)
    {
        const int rows = 5, cols = 785; // three full reduction groups and one element
        var logits = Random(rows * cols, 20, 12);
        logits[0] = 200f; logits[1] = -200f; logits[cols] = 90f; logits[cols + 1] = -90f;
        var rng = new Random(13);
        var x = Enumerable.Range(0, rows * cols).Select(i => i % 2 == 0 ? (float)rng.Next(2) : rng.NextSingle()).ToArray();
        var (gl, cl) = device.Both(logits);
        var (gx, cx) = device.Both(x);
        var (gp, cp) = device.Both(new float[rows]);
        var (gd, cd) = device.Both(new float[rows * cols]);
        device.Backend.LogLikelihood(likelihood, gl, gx, rows, cols, gp, withGradient, 0.25f, gd);
        device.Reference.LogLikelihood(likelihood, cl, cx, rows, cols, cp, withGradient, 0.25f, cd);
        Same($"{likelihood} log p per row", cp, gp);
        Assert.All(GpuTestDevice.Read(device.Backend, gp), v => Assert.True(float.IsFinite(v)));
        Same($"{likelihood} gradient", cd, gd);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    public void Adam_step_matches_cpu(long step)
    {
        const int n = 1031;
        var (gp, cp) = device.Both(Random(n, 1, 14));
        var (gg, cg) = device.Both(Random(n, 0.01f, 15));
        var (gm, cm) = device.Both(Random(n, 0.001f, 16));
        var (gv, cv) = device.Both(Random(n, 1e-6f, 17).Select(MathF.Abs).ToArray());
        var settings = new AdamSettings(LearningRate: 3e-3f);
        device.Backend.AdamStep(gp, gg, gm, gv, settings, step);
        device.Reference.AdamStep(cp, cg, cm, cv, settings, step);
        Same("first moment", cm, gm);
        Same("second moment", cv, gv);
        Same("parameters", cp, gp);
    }

    [Fact]
    public void Gather_copies_the_chosen_rows_and_refuses_rows_outside_the_table()
    {
        const int rows = 11, width = 7;
        var table = Random(rows * width, 1, 18);
        var (gt, _) = device.Both(table);
        int[] indices = [10, 0, 3, 3, 7];
        var batch = device.Backend.Allocate(indices.Length * width);
        device.Backend.GatherRows(gt, width, indices, batch);
        var got = GpuTestDevice.Read(device.Backend, batch);
        for (int r = 0; r < indices.Length; r++)
            Assert.Equal(table.AsSpan(indices[r] * width, width).ToArray(), got.AsSpan(r * width, width).ToArray());
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => device.Backend.GatherRows(gt, width, [2, rows], batch));
        Assert.Contains($"row {rows} is outside a table of {rows} rows", error.Message);
    }
}
