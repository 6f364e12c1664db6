using Microsoft.ML;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Inference.Components;

/// <summary>
/// q(z|x) in an ML.NET pipeline: adds μ and log σ (two vectors of D Single values) for the P-pixel vector of each row.
/// Made by <see cref="VaeCatalog.EncodeVae"/> and fitted by <see cref="VaeEncoderEstimator"/>.
/// </summary>
public sealed class VaeEncoderTransformer : VaeTransformer
{
    private readonly VaeEncoder _encoder;
    private readonly string _input;

    internal VaeEncoderTransformer(VaeEncoder encoder, string input, string mean, string logSigma, DataViewSchema fittedSchema, int batchSize)
        : base(fittedSchema, batchSize)
    {
        _encoder = encoder;
        _input = input;
        OutputColumns = [(mean, encoder.LatentSize), (logSigma, encoder.LatentSize)];
    }

    /// <summary>P, the pixels per row the model reads.</summary>
    public int PixelCount => _encoder.PixelCount;

    /// <summary>D, the latent size.</summary>
    public int LatentSize => _encoder.LatentSize;

    /// <summary>The model's metadata_props (config, preprocessing, training data, scores).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _encoder.Metadata;

    public override string InputColumnName => _input;

    public override IReadOnlyList<(string Name, int Width)> OutputColumns { get; }

    public override void Dispose() => _encoder.Dispose();

    private protected override void CheckInput(DataViewSchema inputSchema) =>
        CheckVector(inputSchema, _input, PixelCount, "pixels/255 in [0, 1]");

    internal override BatchKernel CreateKernel(DataViewRow row, DataViewSchema.Column input, int capacity) =>
        new VectorKernel(row, input, PixelCount, [LatentSize, LatentSize], capacity,
            (pixels, outputs) => _encoder.Encode(pixels, outputs[0], outputs[1]));

    private protected override ITransformer CreateBuiltIn(MLContext ml, IDataView schemaOnly) =>
        BuiltInOnnx.Create(ml, _encoder.ModelBytes, [(_input, OnnxContract.Pixels)],
            [(OnnxContract.LatentMean, OutputColumns[0].Name), (OnnxContract.LatentLogSigma, OutputColumns[1].Name)]).Fit(schemaOnly);
}
