using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;
using VaePipeline.Inference.Images;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Inference.Components;

/// <summary>
/// q(z|x) for image files in an ML.NET pipeline: adds μ and log σ for the PNG or JPEG file each row's path names. Each
/// image is read as <c>vae encode</c> reads it (gray, the exact area filter to 28 × 28, optional inversion), on every
/// core, a batch at a time. Made by <see cref="VaeCatalog.EncodeVaeImages"/>.
/// </summary>
/// <remarks>
/// Saved, it becomes ML.NET's own image stack (LoadImages, ResizeImages, ConvertToGrayscale, ExtractPixels) before
/// ApplyOnnxModel: the same latents for 28 × 28 8-bit gray images such as MNIST's, but ML.NET's resize and colour
/// conversion, not the area filter, for other images.
/// </remarks>
public sealed class VaeImageEncoderTransformer : VaeTransformer
{
    private const string ImageColumn = "__vae_image";
    private readonly VaeEncoder _encoder;
    private readonly string _input;
    private readonly string? _folder;
    private readonly bool _invert;

    internal VaeImageEncoderTransformer(VaeEncoder encoder, string input, string? folder, bool invert, string mean, string logSigma,
        DataViewSchema fittedSchema, int batchSize)
        : base(fittedSchema, batchSize)
    {
        (_encoder, _input, _folder, _invert) = (encoder, input, folder, invert);
        OutputColumns = [(mean, encoder.LatentSize), (logSigma, encoder.LatentSize)];
    }

    /// <summary>D, the latent size.</summary>
    public int LatentSize => _encoder.LatentSize;

    public IReadOnlyDictionary<string, string> Metadata => _encoder.Metadata;

    public override string InputColumnName => _input;

    public override IReadOnlyList<(string Name, int Width)> OutputColumns { get; }

    public override void Dispose() => _encoder.Dispose();

    private protected override void CheckInput(DataViewSchema inputSchema)
    {
        if (_encoder.PixelCount != ModelInputReader.Length)
            throw new InvalidDataException(
                $"{_encoder.Source}: the encoder reads {_encoder.PixelCount} pixels per image, but images are read as " +
                $"{ModelInputReader.Side} × {ModelInputReader.Side} = {ModelInputReader.Length}");
        var found = inputSchema.GetColumnOrNull(_input)
            ?? throw new ArgumentOutOfRangeException(nameof(inputSchema),
                $"the input has no column '{_input}' (its columns: {string.Join(", ", inputSchema.Select(c => c.Name))}); the model reads image paths from it");
        if (found.Type is not TextDataViewType)
            throw new ArgumentOutOfRangeException(nameof(inputSchema), $"column '{_input}' holds {found.Type}, but image paths are text (String)");
    }

    internal override BatchKernel CreateKernel(DataViewRow row, DataViewSchema.Column input, int capacity) =>
        new ImageKernel(row, input, _folder, _invert, _encoder, capacity);

    private protected override ITransformer CreateBuiltIn(MLContext ml, IDataView schemaOnly)
    {
        const int side = ModelInputReader.Side;
        // ExtractPixels computes (level − offset) · scale: level/255, or (255 − level)/255 inverted.
        var images = ml.Transforms.LoadImages(ImageColumn, _folder ?? "", _input)
            .Append(ml.Transforms.ResizeImages(ImageColumn, side, side, resizing: ImageResizingEstimator.ResizingKind.Fill))
            .Append(ml.Transforms.ConvertToGrayscale(ImageColumn))
            .Append(ml.Transforms.ExtractPixels(OnnxContract.Pixels, ImageColumn, ImagePixelExtractingEstimator.ColorBits.Red,
                offsetImage: _invert ? 255f : 0f, scaleImage: _invert ? -1f / 255 : 1f / 255));
        return images
            .Append(BuiltInOnnx.Create(ml, _encoder.ModelBytes, [(OnnxContract.Pixels, OnnxContract.Pixels)],
                [(OnnxContract.LatentMean, OutputColumns[0].Name), (OnnxContract.LatentLogSigma, OutputColumns[1].Name)]))
            .Append(ml.Transforms.DropColumns(ImageColumn, OnnxContract.Pixels))
            .Fit(schemaOnly);
    }
}
