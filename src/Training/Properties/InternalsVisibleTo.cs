using System.Runtime.CompilerServices;

// The tests pin the GEMM to each of its SIMD paths to check that they agree bit for bit.
[assembly: InternalsVisibleTo("VaePipeline.Tests")]
// The benchmarks measure the FMA peak with the GEMM's own vector abstraction and width (FmaPeak).
[assembly: InternalsVisibleTo("VaePipeline.Bench")]
// The GPU check (tools/gpu) compiles the GPU tests and the gpu-epoch benchmark from their own files, internals included.
[assembly: InternalsVisibleTo("vae-gpu-check")]
// The CPU check (tools/arm64) compiles the engine's tests from their own files, for runtimes the test project cannot build for.
[assembly: InternalsVisibleTo("vae-cpu-check")]
