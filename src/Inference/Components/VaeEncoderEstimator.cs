using Microsoft.ML;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Components;

/// <summary>Configures a <see cref="VaeEncoderTransformer"/>; made by <see cref="VaeCatalog.EncodeVae"/>.</summary>
public sealed class VaeEncoderEstimator : VaeEstimator<VaeEncoderTransformer>
{
    internal VaeEncoderEstimator(string modelFile, string mean, string logSigma, string input, InferenceOptions? inference, int batchSize)
        : base(modelFile, input, [mean, logSigma], inference, batchSize)
    {
    }

    private protected override VaeEncoderTransformer Open(DataViewSchema schema) =>
        new(VaeEncoder.Open(ModelFile, Inference), InputColumn, OutputColumns[0], OutputColumns[1], schema, BatchSize);

    private protected override void CheckInputShape(SchemaShape.Column column) => CheckVectorShape(column);
}
