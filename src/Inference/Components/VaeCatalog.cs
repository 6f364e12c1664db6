using Microsoft.ML;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Inference.Components;

/// <summary>
/// The VAE transforms on ML.NET's <see cref="TransformsCatalog"/>: <c>mlContext.Transforms.EncodeVae(…)</c> and
/// <c>DecodeVae(…)</c>, each an estimator that <c>Append</c>s into any pipeline. Column names default to the ONNX
/// contract's tensor names.
/// </summary>
public static class VaeCatalog
{
    /// <summary>Rows per ONNX Runtime run unless told otherwise: large enough that a run's overhead vanishes.</summary>
    public const int DefaultBatchSize = 256;

    /// <summary>
    /// Encodes each row's pixels (a vector of P Single values, pixel/255 in [0, 1], row-major) to the posterior's μ and
    /// log σ (vectors of D Single values), with the encoder that <c>vae export</c> wrote.
    /// </summary>
    /// <param name="modelFile">encoder.onnx.</param>
    /// <param name="inference">Device and threads for ONNX Runtime (default: the CPU, every core).</param>
    /// <param name="batchSize">Rows per ONNX Runtime run.</param>
    public static VaeEncoderEstimator EncodeVae(this TransformsCatalog catalog, string modelFile,
        string meanColumnName = OnnxContract.LatentMean, string logSigmaColumnName = OnnxContract.LatentLogSigma,
        string inputColumnName = OnnxContract.Pixels, InferenceOptions? inference = null, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeEncoderEstimator(modelFile, meanColumnName, logSigmaColumnName, inputColumnName, inference, batchSize);
    }

    /// <summary>
    /// Decodes each row's latent code (a vector of D Single values) to the Bernoulli means of its P pixels (a vector of
    /// Single values in (0, 1)), with the decoder that <c>vae export</c> wrote.
    /// </summary>
    /// <param name="modelFile">decoder.onnx.</param>
    /// <inheritdoc cref="EncodeVae" path="/param[@name='inference']"/>
    /// <inheritdoc cref="EncodeVae" path="/param[@name='batchSize']"/>
    public static VaeDecoderEstimator DecodeVae(this TransformsCatalog catalog, string modelFile,
        string outputColumnName = OnnxContract.BernoulliMeans, string inputColumnName = OnnxContract.Latent,
        InferenceOptions? inference = null, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeDecoderEstimator(modelFile, outputColumnName, inputColumnName, inference, batchSize);
    }

    /// <summary>
    /// Encodes the PNG or JPEG file that each row's path names (text) to the posterior's μ and log σ, reading every
    /// image as <c>vae encode</c> does: decoded to gray, resized to 28 × 28 with the exact area filter, pixel/255 (or
    /// 1 − pixel/255 with <paramref name="invert"/>, for dark ink on light paper). A file that cannot be read stops the
    /// cursor with an <see cref="InvalidDataException"/> that names it.
    /// </summary>
    /// <param name="modelFile">encoder.onnx; it must read 784 pixels.</param>
    /// <param name="imageFolder">Relative paths are taken from here; null: as they are.</param>
    /// <inheritdoc cref="EncodeVae" path="/param[@name='inference']"/>
    /// <inheritdoc cref="EncodeVae" path="/param[@name='batchSize']"/>
    public static VaeImageEncoderEstimator EncodeVaeImages(this TransformsCatalog catalog, string modelFile, string? imageFolder,
        string imagePathColumnName = "ImagePath", string meanColumnName = OnnxContract.LatentMean,
        string logSigmaColumnName = OnnxContract.LatentLogSigma, bool invert = false, InferenceOptions? inference = null,
        int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new VaeImageEncoderEstimator(modelFile, imageFolder, invert, meanColumnName, logSigmaColumnName, imagePathColumnName, inference, batchSize);
    }
}
