using Microsoft.ML;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Inference.Components;

/// <summary>
/// p(x|z) in an ML.NET pipeline: adds the Bernoulli means (a vector of P Single values in (0, 1)) for the D-dimensional
/// latent vector of each row. Made by <see cref="VaeCatalog.DecodeVae"/> and fitted by <see cref="VaeDecoderEstimator"/>.
/// </summary>
public sealed class VaeDecoderTransformer : VaeTransformer
{
    private readonly VaeDecoder _decoder;
    private readonly string _input;

    internal VaeDecoderTransformer(VaeDecoder decoder, string input, string output, DataViewSchema fittedSchema, int batchSize)
        : base(fittedSchema, batchSize)
    {
        _decoder = decoder;
        _input = input;
        OutputColumns = [(output, decoder.PixelCount)];
    }

    /// <summary>D, the latent size.</summary>
    public int LatentSize => _decoder.LatentSize;

    /// <summary>P, the pixels per row the model writes.</summary>
    public int PixelCount => _decoder.PixelCount;

    public IReadOnlyDictionary<string, string> Metadata => _decoder.Metadata;

    public override string InputColumnName => _input;

    public override IReadOnlyList<(string Name, int Width)> OutputColumns { get; }

    public override void Dispose() => _decoder.Dispose();

    private protected override void CheckInput(DataViewSchema inputSchema) =>
        CheckVector(inputSchema, _input, LatentSize, "latent codes z");

    internal override BatchKernel CreateKernel(DataViewRow row, DataViewSchema.Column input, int capacity) =>
        new VectorKernel(row, input, LatentSize, [PixelCount], capacity, (latents, outputs) => _decoder.Decode(latents, outputs[0]));

    private protected override ITransformer CreateBuiltIn(MLContext ml, IDataView schemaOnly) =>
        BuiltInOnnx.Create(ml, _decoder.ModelBytes, [(_input, OnnxContract.Latent)],
            [(OnnxContract.BernoulliMeans, OutputColumns[0].Name)]).Fit(schemaOnly);
}
