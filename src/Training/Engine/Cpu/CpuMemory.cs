using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace VaePipeline.Training.Engine.Cpu;

/// <summary>
/// A pinned float array, so kernels can hold raw pointers into it while other threads work. The floats start on a
/// 64-byte line: buffers of the same length then share their alignment, so one element-wise pass over several of them
/// (Adam's four streams) meets each line once per stream, not twice with every 512-bit access split across two.
/// </summary>
internal sealed unsafe class CpuMemory : DeviceMemory
{
    private const int LineFloats = 16;

    private readonly float[] _array;
    private readonly int _start;

    public CpuMemory(int length) : base(length)
    {
        _array = GC.AllocateArray<float>(length + LineFloats - 1, pinned: true);
        float* first = (float*)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(_array));
        _start = (int)((LineFloats - ((nint)first / sizeof(float)) % LineFloats) % LineFloats);
        Pointer = first + _start;
    }

    public float* Pointer { get; }

    public Span<float> Span(int offset, int length) => _array.AsSpan(_start + offset, length);

    public override void Dispose() { } // the GC owns the pinned array
}
