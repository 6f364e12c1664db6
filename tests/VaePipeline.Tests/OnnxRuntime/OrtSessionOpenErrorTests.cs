using VaePipeline.Inference.OnnxRuntime;

namespace VaePipeline.Tests.OnnxRuntime;

public sealed class OrtSessionOpenErrorTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_OnAFileThatIsNotOnnx_ThrowsWithOrtsMessage()
    {
        string path = _dir.File("not-a-model.onnx");
        File.WriteAllText(path, "this is plain text, not a protobuf ModelProto");

        var e = Assert.Throws<OrtException>(() => OrtSession.Open(path));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, e.ErrorCode);
        Assert.Contains(path, e.Message);
        Assert.Contains("Protobuf parsing failed", e.Message);
    }

    [Fact]
    public void Open_OnAMissingFile_ThrowsNoSuchFileWithOrtsMessage()
    {
        string path = _dir.File("missing.onnx");

        var e = Assert.Throws<OrtException>(() => OrtSession.Open(path));

        Assert.Equal(OrtErrorCode.NoSuchFile, e.ErrorCode);
        Assert.Contains(path, e.Message);
        Assert.Contains("File doesn't exist", e.Message);
    }
}
