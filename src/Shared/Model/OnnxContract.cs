namespace VaePipeline.Model;

/// <summary>
/// What an exported model promises its consumers: file names, tensor names and metadata keys. It lives beside
/// <see cref="VaeConfig"/> so that the exporter (Training) and the ONNX consumers (Inference) share one spelling.
/// Shapes: N is the dynamic batch dimension, D the latent size, P = 784 pixels.
/// </summary>
public static class OnnxContract
{
    public const string EncoderFile = "encoder.onnx";
    public const string DecoderFile = "decoder.onnx";

    /// <summary>The name of the dynamic batch dimension in every input and output shape.</summary>
    public const string BatchDimension = "N";

    /// <summary>Encoder input, float32 [N, P]: pixel intensities pixel/255 in [0, 1], row-major 28×28.</summary>
    public const string Pixels = "pixels";

    /// <summary>Encoder output, float32 [N, D]: the posterior mean μ.</summary>
    public const string LatentMean = "latent_mean";

    /// <summary>Encoder output, float32 [N, D]: log σ of the posterior (σ = exp of it).</summary>
    public const string LatentLogSigma = "latent_log_sigma";

    /// <summary>Decoder input, float32 [N, D]: latent codes z.</summary>
    public const string Latent = "latent";

    /// <summary>Decoder output, float32 [N, P]: sigmoid(logits), the mean of p(x|z) per pixel.</summary>
    public const string BernoulliMeans = "bernoulli_means";

    /// <summary>Keys of ModelProto.metadata_props. Every value is a string; JSON where the key says so.</summary>
    public static class Metadata
    {
        /// <summary>"encoder" or "decoder": which half of the VAE this file is.</summary>
        public const string Role = "vaepipeline.role";

        /// <summary>The model config as JSON (<see cref="VaeConfig.ToJson"/>); <see cref="VaeConfig.FromJson"/> reads it back.</summary>
        public const string Config = "vaepipeline.config";

        /// <summary>D, in decimal.</summary>
        public const string LatentSize = "vaepipeline.latent_size";

        /// <summary>A sentence: how pixels become the encoder's input x, inside the graph.</summary>
        public const string Preprocessing = "vaepipeline.preprocessing";

        /// <summary>The exporting assembly's informational version (also in ModelProto.producer_version).</summary>
        public const string ProducerVersion = "vaepipeline.producer_version";

        /// <summary>JSON: the data, steps, epochs, batch size, seed and learning rate the weights were trained with.</summary>
        public const string Training = "vaepipeline.training";

        /// <summary>Mean ELBO (nats) of the checkpoint over the 10,000 MNIST test images; absent when not measured.</summary>
        public const string TestElbo = "vaepipeline.test_elbo";
    }

    public const string EncoderRole = "encoder";
    public const string DecoderRole = "decoder";
}
