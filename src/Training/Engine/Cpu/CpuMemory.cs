using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>A pinned float array, so kernels can hold raw pointers into it while other threads work.</summary>
internal sealed unsafe class CpuMemory : DeviceMemory
{
    private readonly float[] _array;

    public CpuMemory(int length) : base(length)
    {
        _array = GC.AllocateArray<float>(length, pinned: true);
        Pointer = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
    }

    public float* Pointer { get; }

    public Span<float> Span(int offset, int length) => _array.AsSpan(offset, length);

    public override void Dispose() { } // the GC owns the pinned array
}
