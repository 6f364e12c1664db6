namespace VaePipeline.Model;

/// <summary>One linear layer y = x·Wᵀ + b, with W stored [Out, In] as in the checkpoints and the ONNX initializers.</summary>
public sealed record LayerWeights(int In, int Out, float[] Weight, float[] Bias);

/// <summary>
/// The decoder half of a trained VAE as plain arrays: its config (for the activation and likelihood) and its layers
/// from the latent to the logits. Inference reads it from an exported decoder.onnx and computes with it.
/// </summary>
public sealed record DecoderWeights(VaeConfig Config, IReadOnlyList<LayerWeights> Layers);
