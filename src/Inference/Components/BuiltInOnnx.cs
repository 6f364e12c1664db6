using Microsoft.ML;
using Microsoft.ML.Data;

namespace VaePipeline.Inference.Components;

/// <summary>
/// Builds ML.NET's own ApplyOnnxModel over a model's bytes, with column copies around it so that the columns keep the
/// names a VAE transformer was given (ApplyOnnxModel names columns after the model's tensors). This is what a VAE
/// transformer saves as.
/// </summary>
internal static class BuiltInOnnx
{
    /// <param name="inputs">(column, tensor) pairs: the column that feeds each model input.</param>
    /// <param name="outputs">(tensor, column) pairs: the column that receives each model output.</param>
    public static IEstimator<ITransformer> Create(MLContext ml, byte[] model,
        IReadOnlyList<(string Column, string Tensor)> inputs, IReadOnlyList<(string Tensor, string Column)> outputs)
    {
        var temporaries = new List<string>();
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        foreach (var (column, tensor) in inputs.Where(p => p.Column != p.Tensor))
        {
            chain = chain.Append(ml.Transforms.CopyColumns(tensor, column));
            temporaries.Add(tensor);
        }
        chain = chain.Append(ml.Transforms.ApplyOnnxModel(
            [.. outputs.Select(o => o.Tensor)], [.. inputs.Select(i => i.Tensor)], new MemoryStream(model)));
        foreach (var (tensor, column) in outputs.Where(p => p.Column != p.Tensor))
        {
            chain = chain.Append(ml.Transforms.CopyColumns(column, tensor));
            temporaries.Add(tensor);
        }
        return temporaries.Count == 0 ? chain : chain.Append(ml.Transforms.DropColumns([.. temporaries]));
    }
}
