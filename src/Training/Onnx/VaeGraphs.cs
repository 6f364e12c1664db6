using VaePipeline.Model;
using VaePipeline.Training.Model;
using VaePipeline.Onnx.Proto;

namespace VaePipeline.Training.Onnx;

/// <summary>One graph to export: which half of the VAE it is, its file name, the graph, and the text for the model's doc_string.</summary>
internal sealed record ExportGraph(string Role, string FileName, GraphProto Graph, string Description);

/// <summary>
/// The encoder and decoder as ONNX graphs (opset 17), computing exactly what <see cref="Vae.Encode"/> and
/// <see cref="Vae.Decode"/> compute, with the training's pixel preprocessing in front of the encoder:
/// <code>
///   encoder: pixels [N,P] → (binarize) → Gemm+act … → Gemm → h [N,2D] → Split → latent_mean, latent_log_sigma [N,D]
///   decoder: latent [N,D] → Gemm+act … → Gemm → logits [N,P] → Sigmoid → bernoulli_means [N,P]
/// </code>
/// </summary>
internal static class VaeGraphs
{
    /// <summary>Static binarization: x = 1 where pixel/255 &gt; 0.5, which is pixel ≥ 128 as in training.</summary>
    private const float BinarizationThreshold = 0.5f;

    public static ExportGraph Encoder(VaeConfig config, ParameterLayout layout, float[] parameters)
    {
        var g = new GraphBuilder("vaepipeline_encoder");
        string pixels = g.Input(OnnxContract.Pixels, config.Input, "Pixel intensities pixel/255 in [0, 1], one 28×28 image per row, row-major.");
        string h = Layers(g, layout.Encoder, layout, config.Activation, parameters, Preprocess(g, config.Binarization, pixels));
        // Split-13 (opset 13 to 17) takes the part sizes as an int64 input; h = [μ | log σ], or [μ | log σ²] with a
        // log-variance head, whose second half is halved so every consumer gets log σ under the one output name.
        bool logVariance = config.Posterior == PosteriorHead.LogVariance;
        string spread = logVariance ? "latent.log_variance" : OnnxContract.LatentLogSigma;
        g.Node("latent/Split", "Split", [h, g.Int64s("latent_split_sizes", config.Latent, config.Latent)],
            [OnnxContract.LatentMean, spread], GraphBuilder.Int("axis", 1));
        if (logVariance)
            g.Node("latent/HalfLogVariance", "Mul", [spread, g.Scalar("log_sigma_scale", config.LogSigmaScale)], [OnnxContract.LatentLogSigma]);
        g.Output(OnnxContract.LatentMean, config.Latent, "Posterior mean μ of q(z|x).");
        g.Output(OnnxContract.LatentLogSigma, config.Latent, "Posterior log σ of q(z|x); σ = exp(latent_log_sigma).");
        return new ExportGraph(OnnxContract.EncoderRole, OnnxContract.EncoderFile, g.Graph,
            $"VaePipeline VAE encoder q(z|x) = N(μ, σ²): {OnnxContract.Pixels} [N, {config.Input}] → {OnnxContract.LatentMean}, " +
            $"{OnnxContract.LatentLogSigma} [N, {config.Latent}]. Preprocessing: {DescribePreprocessing(config.Binarization)}");
    }

    public static ExportGraph Decoder(VaeConfig config, ParameterLayout layout, float[] parameters)
    {
        var g = new GraphBuilder("vaepipeline_decoder");
        string z = g.Input(OnnxContract.Latent, config.Latent, "Latent codes z, e.g. latent_mean from the encoder or draws from N(0, I).");
        string logits = Layers(g, layout.Decoder, layout, config.Activation, parameters, z);
        g.Node("output/Sigmoid", "Sigmoid", [logits], [OnnxContract.BernoulliMeans]);
        // A Gaussian-likelihood model's mean is sigmoid(logits) as well, so the output keeps its name for both.
        g.Output(OnnxContract.BernoulliMeans, config.Input, "Mean of p(x|z) per pixel, sigmoid(logits) in (0, 1).");
        return new ExportGraph(OnnxContract.DecoderRole, OnnxContract.DecoderFile, g.Graph,
            $"VaePipeline VAE decoder p(x|z): {OnnxContract.Latent} [N, {config.Latent}] → {OnnxContract.BernoulliMeans} [N, {config.Input}], " +
            $"sigmoid of the decoder's logits ({config.Likelihood.ToString().ToLowerInvariant()} likelihood in training). " +
            $"The encoder's input was preprocessed so: {DescribePreprocessing(config.Binarization)}");
    }

    /// <summary>What the encoder graph does to its pixels; goes into the doc_string and the metadata.</summary>
    public static string DescribePreprocessing(Binarization binarization) => binarization switch
    {
        Binarization.Static =>
            "static binarization inside the graph, x = Cast(Greater(pixels, 0.5)): pixel ≥ 128 of 255 becomes 1, else 0, as in training.",
        Binarization.None =>
            "none: x = pixels, the intensities in [0, 1], as in training.",
        Binarization.Dynamic =>
            "mean-field input x = pixels. Training drew x ~ Bernoulli(pixels) anew at every use (dynamic binarization); " +
            "the graph feeds the expectation of that draw instead, so its latents are deterministic. " +
            "(VaePipeline's own test ELBO scores one fixed draw per image instead.)",
        _ => throw new ArgumentOutOfRangeException(nameof(binarization), binarization, null),
    };

    /// <returns>The value the encoder's first layer reads.</returns>
    private static string Preprocess(GraphBuilder g, Binarization binarization, string pixels)
    {
        if (binarization != Binarization.Static) return pixels;
        string above = g.Node("binarize/Greater", "Greater", [pixels, g.Scalar("binarization_threshold", BinarizationThreshold)], ["binarize.above"]);
        return g.Node("binarize/Cast", "Cast", [above], ["binarize.x"], GraphBuilder.Int("to", (long)TensorProto.Types.DataType.Float));
    }

    /// <summary>
    /// y = act(x·Wᵀ + b) for every layer but the last, which is linear, as in <see cref="Vae"/>. Gemm with transB = 1
    /// reads W in the checkpoint's [out, in] layout, so the initializers are the checkpoint's tensors unchanged.
    /// </summary>
    /// <returns>The last layer's output.</returns>
    private static string Layers(GraphBuilder g, LinearLayer[] layers, ParameterLayout layout, Activation activation, float[] parameters, string x)
    {
        for (int i = 0; i < layers.Length; i++)
        {
            var weight = Tensor(layout, layers[i].WeightOffset);
            var bias = Tensor(layout, layers[i].BiasOffset);
            string layer = weight.Name[..weight.Name.LastIndexOf('.')]; // "encoder.0"
            x = g.Node($"{layer}/Gemm", "Gemm",
                [x, g.Floats(weight.Name, weight.Shape, parameters.AsSpan(weight.Offset, weight.Length)),
                    g.Floats(bias.Name, bias.Shape, parameters.AsSpan(bias.Offset, bias.Length))],
                [$"{layer}.linear"], GraphBuilder.Int("transB", 1));
            if (i < layers.Length - 1)
            {
                var (op, attributes) = Operator(activation);
                x = g.Node($"{layer}/{op}", op, [x], [$"{layer}.{op.ToLowerInvariant()}"], attributes);
            }
        }
        return x;
    }

    /// <summary>The layout's named tensor at an offset: the checkpoint's names become the initializers' names.</summary>
    private static ParameterTensor Tensor(ParameterLayout layout, int offset) => layout.Tensors.Single(t => t.Offset == offset);

    private static (string Op, AttributeProto[] Attributes) Operator(Activation activation) => activation switch
    {
        Activation.Tanh => ("Tanh", []),
        Activation.Relu => ("Relu", []),
        // Training's elu is max(x, 0) + expm1(min(x, 0)): alpha 1, written out although it is ONNX's default.
        Activation.Elu => ("Elu", [GraphBuilder.Float("alpha", 1f)]),
        Activation.Softplus => ("Softplus", []),
        _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, null),
    };
}
