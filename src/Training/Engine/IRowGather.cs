namespace VaePipeline.Training.Engine;

/// <summary>
/// A backend that can copy chosen rows of a matrix it holds into a batch on its own device, so a training set
/// uploaded once is batched there with no per-step copy of pixels (the GPU backend; the CPU backend has no need).
/// </summary>
public interface IRowGather
{
    /// <summary>destination row r = row <c>indices[r]</c> of <paramref name="table"/>, rows of <paramref name="width"/> floats.</summary>
    void GatherRows(Slice table, int width, ReadOnlySpan<int> indices, Slice destination);
}
