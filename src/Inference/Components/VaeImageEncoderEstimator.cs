using Microsoft.ML;
using Microsoft.ML.Data;
using VaePipeline.Inference.Onnx;

namespace VaePipeline.Inference.Components;

/// <summary>Configures a <see cref="VaeImageEncoderTransformer"/>; made by <see cref="VaeCatalog.EncodeVaeImages"/>.</summary>
public sealed class VaeImageEncoderEstimator : VaeEstimator<VaeImageEncoderTransformer>
{
    private readonly string? _folder;
    private readonly bool _invert;

    internal VaeImageEncoderEstimator(string modelFile, string? folder, bool invert, string mean, string logSigma, string input,
        InferenceOptions? inference, int batchSize)
        : base(modelFile, input, [mean, logSigma], inference, batchSize) => (_folder, _invert) = (folder, invert);

    private protected override VaeImageEncoderTransformer Open(DataViewSchema schema) =>
        new(VaeEncoder.Open(ModelFile, Inference), InputColumn, _folder, _invert, OutputColumns[0], OutputColumns[1], schema, BatchSize);

    private protected override void CheckInputShape(SchemaShape.Column column)
    {
        if (column.Kind != SchemaShape.Column.VectorKind.Scalar || column.ItemType is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(column), $"column '{column.Name}' holds {column.Kind} of {column.ItemType}, but image paths are text (String)");
    }
}
