// MnistLatents IMAGES [MODEL_DIR] [OUT_DIR]
//
// IMAGES is a folder of digit images in one subfolder per label (0/…png, 1/…png, …), like the MNIST test PNGs. The
// sample encodes every image to its 2-D posterior mean with VaePipeline's EncodeVaeImages, trains ML.NET's own
// multiclass logistic regression on 80 % of the latents and scores the other 20 %, clusters all latents with k-means
// (k = 10) and scores the clusters against the labels, then decodes the ten cluster centroids with DecodeVae and writes
// them as one PNG: what the VAE thinks each cluster's typical digit looks like.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers;
using VaePipeline.Inference.Components;
using VaePipeline.Inference.Images;
using VaePipeline.Model;

if (args.Length is < 1 or > 3)
{
    Console.Error.WriteLine("usage: MnistLatents IMAGES [MODEL_DIR (onnx)] [OUT_DIR (.)]");
    return 2;
}
string images = args[0], models = args.Length > 1 ? args[1] : "onnx", output = args.Length > 2 ? args[2] : ".";
const int Clusters = 10;

var ml = new MLContext(seed: 1);
var rows = Directory.EnumerateFiles(images, "*.png", SearchOption.AllDirectories)
    .Select(file => new ImageRow { ImagePath = Path.GetRelativePath(images, file), Label = Path.GetFileName(Path.GetDirectoryName(file))! })
    .OrderBy(row => row.ImagePath, StringComparer.Ordinal)
    .ToList();
Console.WriteLine($"{rows.Count:N0} images in {images}");

// Images → latents, once: the classifier and k-means both read the cached latents.
var latents = ml.Transforms.EncodeVaeImages(Path.Combine(models, OnnxContract.EncoderFile), images, meanColumnName: "Features")
    .Append(ml.Transforms.Conversion.MapValueToKey("LabelKey", "Label"))
    .Fit(ml.Data.LoadFromEnumerable(rows));
var encoded = ml.Data.Cache(latents.Transform(ml.Data.LoadFromEnumerable(rows)), "Features", "LabelKey", "Label");

var split = ml.Data.TrainTestSplit(encoded, testFraction: 0.2, seed: 1);
var classifier = ml.MulticlassClassification.Trainers.LbfgsMaximumEntropy("LabelKey", "Features").Fit(split.TrainSet);
var classes = ml.MulticlassClassification.Evaluate(classifier.Transform(split.TestSet), "LabelKey");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"classifier (L-BFGS maximum entropy on the 2-D latents): accuracy {classes.MicroAccuracy:F4}, macro accuracy {classes.MacroAccuracy:F4}, log-loss {classes.LogLoss:F4}"));

var kmeans = ml.Clustering.Trainers.KMeans(new KMeansTrainer.Options { FeatureColumnName = "Features", NumberOfClusters = Clusters }).Fit(encoded);
var clusters = ml.Clustering.Evaluate(kmeans.Transform(encoded), labelColumnName: "LabelKey", featureColumnName: "Features");
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"k-means (k = {Clusters}): normalized mutual information with the labels {clusters.NormalizedMutualInformation:F4}, average distance {clusters.AverageDistance:F4}, Davies-Bouldin index {clusters.DaviesBouldinIndex:F4}"));

// Centroids → Bernoulli means → one PNG.
VBuffer<float>[] centroids = [];
kmeans.Model.GetClusterCentroids(ref centroids, out int k);
var centroidRows = ml.Data.LoadFromEnumerable(centroids.Select(c => new LatentRow { Latent = c.DenseValues().ToArray() }).ToList());
var decoded = ml.Transforms.DecodeVae(Path.Combine(models, OnnxContract.DecoderFile), inputColumnName: "Latent").Fit(centroidRows).Transform(centroidRows);
float[] means = [.. decoded.GetColumn<float[]>(OnnxContract.BernoulliMeans).SelectMany(m => m)];
string png = Path.Combine(output, "centroids.png");
PngWriter.Write(png, Mosaic.Tile(GrayLevels.FromIntensities(means), 28, 28, columns: k));
Console.WriteLine($"wrote {png}: the decoded centroids of the {k} clusters");
return 0;

internal sealed class ImageRow
{
    public string ImagePath { get; set; } = "";

    public string Label { get; set; } = "";
}

internal sealed class LatentRow
{
    [VectorType(2)]
    public float[] Latent { get; set; } = [];
}
