namespace VaePipeline.Training.Engine.Cpu;

/// <summary>The instruction sets <see cref="Sgemm"/> has a kernel for.</summary>
internal enum SimdPath
{
    Scalar,
    Vector256,
    Vector512,
}
