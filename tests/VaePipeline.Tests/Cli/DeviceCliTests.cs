using VaePipeline.Model;

namespace VaePipeline.Tests.Cli;

/// <summary>
/// <c>--device cuda</c> on the default (CPU-only) build of ONNX Runtime: each inference command stops before writing
/// anything, with one error line that says why and how to get a CUDA build, and exit code 1.
/// </summary>
public class DeviceCliTests
{
    private static readonly string Models = Path.Combine(SharedData.RepositoryRoot, "onnx");

    [Fact]
    public void Cuda_without_a_cuda_build_is_one_error_line_and_nothing_written()
    {
        using var dir = new TempDirectory();
        File.Copy(Path.Combine(SharedData.RepositoryRoot, "docs", "figures", "centroids.png"), dir.File("x.png"));
        var runs = new[]
        {
            VaeProcess.Run("encode", dir.Path, "--model", Path.Combine(Models, OnnxContract.EncoderFile), "--out", dir.File("l.csv"), "--device", "cuda"),
            VaeProcess.Run("decode", "--grid", "3", "--mosaic", "--model", Path.Combine(Models, OnnxContract.DecoderFile), "--out", dir.File("g.png"), "--device", "cuda"),
        };
        foreach (var run in runs)
        {
            Assert.Equal(1, run.ExitCode);
            Assert.StartsWith("error: this build's ONNX Runtime has no CUDA execution provider; build with -p:OnnxRuntimeGpu=true", run.Error);
            Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        Assert.False(File.Exists(dir.File("l.csv")));
        Assert.False(File.Exists(dir.File("g.png")));
    }
}
