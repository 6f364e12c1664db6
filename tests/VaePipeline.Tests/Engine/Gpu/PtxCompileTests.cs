using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using VaePipeline.Training.Engine.Gpu;

namespace VaePipeline.Tests.Engine.Gpu;

/// <summary>
/// Every kernel of the GPU backend compiles to PTX for the GPU machines' architecture (SM 90, PTX ISA 8.8, what ILGPU
/// picks for an H200 on a CUDA 13 driver) without a GPU: ILGPU's PTX backend needs no driver. This is as far as CI
/// can follow the CUDA path; loading and running the PTX needs a GPU (tools/gpu).
/// </summary>
public sealed class PtxCompileTests
{
    public static TheoryData<string> Kernels => [.. KernelMethods().Select(m => $"{m.DeclaringType!.Name}.{m.Name}")];

    private static IEnumerable<MethodInfo> KernelMethods() =>
        new[] { typeof(GpuKernels), typeof(PlainGemm) }.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.ReturnType == typeof(void));

    [Theory, MemberData(nameof(Kernels))]
    public void Kernel_compiles_to_ptx_for_sm_90(string kernel)
    {
        var method = KernelMethods().Single(m => $"{m.DeclaringType!.Name}.{m.Name}" == kernel);
        using var context = Context.Create(b => b.CPU().EnableAlgorithms());
        using var backend = new PTXBackend(context, new CudaCapabilityContext(CudaArchitecture.SM_90), CudaArchitecture.SM_90,
            CudaInstructionSet.ISA_88, nvvmAPI: null);
        var entry = EntryPointDescription.FromExplicitlyGroupedKernel(method);
        var compiled = (PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty);
        // ILGPU writes ".target sm_80" for SM 90 (the newest target its PTX needs); the driver compiles that for the GPU.
        Assert.Contains(".version 8.8", compiled.PTXAssembly);
        Assert.Contains(".visible .entry", compiled.PTXAssembly);
    }
}
