using VaePipeline.Inference.OnnxRuntime;

namespace VaePipeline.Tests.OnnxRuntime;

public sealed class OrtRuntimeTests
{
    [Fact]
    public void Version_IsTheFetchedLibrarys()
    {
        Assert.StartsWith("1.23", OrtRuntime.Version);
    }

    [Fact]
    public void LibraryPath_IsTheVariable_OrTheFileBesideTheAssemblies()
    {
        string? variable = Environment.GetEnvironmentVariable(OrtRuntime.PathVariable);
        string expected = string.IsNullOrEmpty(variable)
            ? Path.Combine(AppContext.BaseDirectory, OrtRuntime.DefaultFileName)
            : Path.GetFullPath(variable);

        Assert.Equal(expected, OrtRuntime.LibraryPath);
    }
}
