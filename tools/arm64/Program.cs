using VaePipeline.Tests.Engine;
using VaePipeline.Tests.Model;
using VaePipeline.Tools;
using VaePipeline.Training.Engine.Cpu;

// vae-cpu-check: the CPU engine's tests (Engine and Model) on this machine; the fixtures come from VAE_SHARED_DIR.
using (var backend = new CpuBackend())
    Console.WriteLine($"CPU tests on {backend.Description}");
var assembly = typeof(SgemmTests).Assembly;
var engineTests = TestRunner.In(assembly, typeof(SgemmTests).Namespace!);
var modelTests = TestRunner.In(assembly, typeof(LikelihoodTests).Namespace!);
return TestRunner.Run(engineTests.Concat(modelTests));
