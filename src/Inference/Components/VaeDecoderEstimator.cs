using Microsoft.ML;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Components;

/// <summary>Configures a <see cref="VaeDecoderTransformer"/>; made by <see cref="VaeCatalog.DecodeVae"/>.</summary>
public sealed class VaeDecoderEstimator : VaeEstimator<VaeDecoderTransformer>
{
    internal VaeDecoderEstimator(string modelFile, string output, string input, InferenceOptions? inference, int batchSize)
        : base(modelFile, input, [output], inference, batchSize)
    {
    }

    private protected override VaeDecoderTransformer Open(DataViewSchema schema) =>
        new(VaeDecoder.Open(ModelFile, Inference), InputColumn, OutputColumns[0], schema, BatchSize);

    private protected override void CheckInputShape(SchemaShape.Column column) => CheckVectorShape(column);
}
