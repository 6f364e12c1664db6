using VaePipeline.Inference.OnnxRuntime;

namespace VaePipeline.Tests.OnnxRuntime;

public sealed class OrtSessionOptionsTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _model;

    public OrtSessionOptionsTests()
    {
        _model = _dir.File("sigmoid-gemm.onnx");
        SigmoidGemmModel.Write(_model);
    }

    public void Dispose() => _dir.Dispose();

    // ORT names the node that failed; with fusions on, Gemm and the Sigmoid after it run as one FusedGemm node.
    [Theory]
    [InlineData(OrtGraphOptimization.Disabled, "Name:'gemm'")]
    [InlineData(OrtGraphOptimization.All, "Name:'fused gemm'")]
    public void GraphOptimization_DecidesWhetherOrtFusesTheGraph(OrtGraphOptimization level, string failingNode)
    {
        using var session = OrtSession.Open(_model, new OrtSessionOptions { GraphOptimization = level, IntraOpThreads = 1 });

        var e = Assert.Throws<OrtException>(() => session.Run(new Dictionary<string, InputTensor>()));

        Assert.Contains(failingNode, e.Message);
    }

    [Fact]
    public void GraphOptimization_OutsideOrtsLevels_IsRejectedByOrt()
    {
        var e = Assert.Throws<OrtException>(() =>
            OrtSession.Open(_model, new OrtSessionOptions { GraphOptimization = (OrtGraphOptimization)7 }));

        Assert.Equal(OrtErrorCode.InvalidArgument, e.ErrorCode);
        Assert.Equal("graph_optimization_level is not valid", e.Message);
    }
}
