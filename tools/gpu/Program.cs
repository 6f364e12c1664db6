using VaePipeline.Bench;
using VaePipeline.Tests.Engine.Gpu;
using VaePipeline.Tools;
using VaePipeline.Training.Engine;

const string Usage = """
    usage: vae-gpu-check <check>

      device     what --device auto resolves to here, and why (one line)
      tests      the GPU tests (kernels against the CPU backend, a step against the PyTorch fixtures, training and
                 resuming across devices) on the accelerator VAE_GPU_TEST_DEVICE names: cuda, or cpu (ILGPU's CPU one)
      gpu-epoch  the benchmark of bench -- gpu-epoch (same options)

    The tests read VAE_SHARED_DIR (fixtures/, data/mnist/); the benchmark reads --data DIR.
    """;

switch (args.FirstOrDefault())
{
    case "device":
    {
        var opened = TrainingDevices.Open(TrainingDevice.Auto, 0);
        using (opened.Backend) Console.WriteLine(opened.Line);
        return 0;
    }
    case "tests":
    {
        using var device = new GpuTestDevice();
        Console.WriteLine($"GPU tests on {device.Backend.Description}");
        return TestRunner.Run(TestRunner.In(typeof(GpuTestDevice).Assembly, typeof(GpuTestDevice).Namespace!), device);
    }
    case "gpu-epoch":
        return await GpuEpochBench.Run(args[1..]);
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}

