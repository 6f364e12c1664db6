using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using VaePipeline.Training.Engine;
using VaePipeline.Training.Engine.Cpu;

namespace VaePipeline.Tests.Engine;

public sealed class SimdChoiceTests
{
    private static readonly SimdPath[] Arm64Cpu = [SimdPath.Scalar, SimdPath.Vector128];
    private static readonly SimdPath[] Avx2Cpu = [SimdPath.Scalar, SimdPath.Vector128, SimdPath.Vector256];
    private static readonly SimdPath[] Avx512Cpu = [SimdPath.Scalar, SimdPath.Vector128, SimdPath.Vector256, SimdPath.Vector512];

    private static double NotMeasured() => throw new InvalidOperationException("the FMA loops should not run");

    [Fact]
    public void TakesTheWidestPathWithoutMeasuringWhenItIsNotAvx512()
    {
        var choice = SimdChoice.Make(null, Avx2Cpu, NotMeasured);
        Assert.Equal(new SimdChoice(SimdPath.Vector256, null), choice);
        Assert.Equal(SimdPath.Vector128, SimdChoice.Make(null, Arm64Cpu, NotMeasured).Path);
        Assert.Equal(SimdPath.Scalar, SimdChoice.Make("", [SimdPath.Scalar], NotMeasured).Path);
    }

    [Theory]
    // Paths by name: the enum is internal, and a public test method cannot take it.
    [InlineData(1.97, "Vector512")] // single-pumped 512-bit FMAs (Zen 5, Intel server cores)
    [InlineData(1.40, "Vector512")]
    [InlineData(1.39, "Vector256")]
    [InlineData(1.02, "Vector256")] // double-pumped on 256-bit units (Zen 4)
    public void TakesAvx512OnlyWhereItsFmasRunClearlyFaster(double speedup, string expected)
    {
        int measured = 0;
        var choice = SimdChoice.Make(null, Avx512Cpu, () => { measured++; return speedup; });
        Assert.Equal(Enum.Parse<SimdPath>(expected), choice.Path);
        Assert.Equal(1, measured);
        Assert.Contains($"{speedup:F2}×", choice.Reason);
    }

    [Theory]
    [InlineData("avx2", "Vector256")]
    [InlineData(" AVX-512 ", "Vector512")]
    [InlineData("avx512", "Vector512")]
    [InlineData("neon", "Vector128")]
    [InlineData("sse", "Vector128")]
    [InlineData("Scalar", "Scalar")]
    public void TheVariableSetsThePathWithoutMeasuring(string requested, string expected)
    {
        var choice = SimdChoice.Make(requested, Avx512Cpu, NotMeasured);
        Assert.Equal(Enum.Parse<SimdPath>(expected), choice.Path);
        Assert.Contains(SimdChoice.Variable, choice.Reason);
    }

    [Fact]
    public void RefusesAPathTheCpuCannotRunOrDoesNotKnow()
    {
        var unsupported = Assert.Throws<TrainingDeviceException>(() => SimdChoice.Make("avx512", Avx2Cpu, NotMeasured));
        Assert.Contains("cannot run AVX-512", unsupported.Message);
        Assert.Contains("scalar, ", unsupported.Message);
        Assert.EndsWith(", AVX2)", unsupported.Message);
        Assert.Throws<TrainingDeviceException>(() => SimdChoice.Make("avx2", Arm64Cpu, NotMeasured));
        var unknown = Assert.Throws<TrainingDeviceException>(() => SimdChoice.Make("sse4", Avx512Cpu, NotMeasured));
        Assert.Contains("VAE_CPU_SIMD=sse4 names no SIMD path", unknown.Message);
    }

    [Fact]
    public void ThisProcessRunsAPathItsCpuSupports()
    {
        Assert.Contains(SimdChoice.Current.Path, SimdChoice.Supported);
        Assert.Equal(SimdPath.Scalar, SimdChoice.Supported[0]);
        Assert.Equal(Vector512.IsHardwareAccelerated, SimdChoice.Supported.Contains(SimdPath.Vector512));
        // Every CPU .NET runs the trainer on with SIMD has a 128-bit path with FMA: ARM64, and x64 from AVX2 on.
        Assert.Equal(Vector256.IsHardwareAccelerated || AdvSimd.Arm64.IsSupported, SimdChoice.Supported.Contains(SimdPath.Vector128));
    }

    [Fact]
    public void TheFmaLoopComputesItsChainsAtEveryWidth()
    {
        // Twelve chains of c ← 0.999·c + 0.001 from 0.001, summed: the same value at every width, since each lane is the
        // same scalar chain of fused operations.
        float scalar = FmaLoop.Run<LanesScalar, float>(1000);
        Assert.Equal(scalar, FmaLoop.Run<Lanes128, Vector128<float>>(1000));
        Assert.Equal(scalar, FmaLoop.Run<Lanes256, Vector256<float>>(1000));
        Assert.Equal(scalar, FmaLoop.Run<Lanes512, Vector512<float>>(1000));
        double chain = 0.001;
        for (int i = 0; i < 1000; i++)
            chain = chain * 0.999 + 0.001;
        Assert.Equal(12 * chain, scalar, 1e-4);
    }

    [Fact]
    public void TheFmaLoopMakesNoAllocationThatWouldSpillItsChains()
    {
        // An allocation after the loop is a call, across which the JIT keeps 512-bit chains on the stack and stores them
        // at every iteration: the AVX-512 loop then ran at half its rate and Zen 5 was taken for double-pumped (AVX2).
        FmaLoop.Run<Lanes512, Vector512<float>>(1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        FmaLoop.Run<Lanes512, Vector512<float>>(1000);
        FmaLoop.Run<Lanes256, Vector256<float>>(1000);
        Assert.Equal(before, GC.GetAllocatedBytesForCurrentThread());
    }
}
