using VaePipeline.Bench;

const string Usage = """
    usage: VaePipeline.Bench <benchmark>

    benchmarks:
      gemm    Sgemm on the VAE's matrix shapes, 1 and 2 threads: ms per call and GFLOP/s
    """;

switch (args.FirstOrDefault())
{
    case "gemm":
        GemmBench.Run();
        return 0;
    default:
        Console.Error.WriteLine(Usage);
        return 2;
}
