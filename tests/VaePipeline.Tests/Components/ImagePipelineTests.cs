using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaePipeline.Inference.Components;
using VaePipeline.Model;
using VaePipeline.Tests.Cli;
using VaePipeline.Tests.Onnx;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Components;

/// <summary>
/// EncodeVaeImages on the real folder of 10,000 MNIST test PNGs: the latents `vae encode` writes and the trainer's on
/// the idx images, in row order; a saved pipeline (ML.NET's image stack before ApplyOnnxModel) gives the same latents,
/// inverted or not; an unreadable file stops the cursor with its path.
/// </summary>
public sealed class ImagePipelineTests(MnistPngFolder png) : IClassFixture<MnistPngFolder>
{
    private static readonly string ModelDir = Path.Combine(SharedData.RepositoryRoot, "onnx");
    private static readonly string Encoder = Path.Combine(ModelDir, OnnxContract.EncoderFile);
    private readonly MLContext _ml = new(seed: 1);

    private sealed class ImageRow
    {
        public string ImagePath { get; set; } = "";

        public int Index { get; set; }
    }

    private IDataView Images(IEnumerable<int> indices) => _ml.Data.LoadFromEnumerable(indices.Select(i => new ImageRow
    {
        ImagePath = Path.GetRelativePath(png.Images, png.File(i)),
        Index = i,
    }).ToList());

    [Fact]
    public void Image_pipeline_gives_vae_encodes_latents_and_the_trainers()
    {
        int[] all = [.. Enumerable.Range(0, Mnist.Test.Count)];
        var output = _ml.Transforms.EncodeVaeImages(Encoder, png.Images, meanColumnName: "Mean").Fit(Images(all)).Transform(Images(all));
        Assert.Equal(all, output.GetColumn<int>("Index"));
        float[] mean = [.. output.GetColumn<float[]>("Mean").SelectMany(m => m)];
        float[] logSigma = [.. output.GetColumn<float[]>(OnnxContract.LatentLogSigma).SelectMany(m => m)];

        var trainer = TrainerReference.FromExport(ModelDir).Encode(Mnist.Test, all);
        SessionTests.AssertClose(trainer.Mean, mean);
        SessionTests.AssertClose(trainer.LogSigma, logSigma);

        using var dir = new TempDirectory();
        var result = VaeProcess.Run("encode", png.Images, "--model", Encoder, "--out", dir.File("latents.csv"));
        Assert.True(result.ExitCode == 0, result.Error);
        var encoded = File.ReadLines(dir.File("latents.csv")).Skip(1).Select(line => line.Split(','))
            .ToDictionary(f => f[0], f => f[1..].Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray());
        for (int i = 0; i < all.Length; i++)
        {
            var row = encoded[Path.GetRelativePath(png.Images, png.File(i))];
            Assert.Equal(row[..2], mean.AsSpan(2 * i, 2).ToArray());
            Assert.Equal(row[2..], logSigma.AsSpan(2 * i, 2).ToArray());
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Saved_image_pipeline_gives_the_same_latents(bool invert)
    {
        using var dir = new TempDirectory();
        var data = Images(Enumerable.Range(0, 300).Select(i => i * 31));
        var model = _ml.Transforms.EncodeVaeImages(Encoder, png.Images, invert: invert).Fit(data);
        _ml.Model.Save(model, data.Schema, dir.File("images.zip"));
        var loaded = _ml.Model.Load(dir.File("images.zip"), out _);
        Assert.DoesNotContain(loaded is TransformerChain<ITransformer> chain ? chain : [], t => t is VaeTransformer);

        float[] Means(ITransformer t) => [.. t.Transform(data).GetColumn<float[]>(OnnxContract.LatentMean).SelectMany(m => m)];
        SessionTests.AssertClose(Means(model), Means(loaded));
    }

    [Fact]
    public void An_unreadable_image_stops_the_cursor_naming_the_file()
    {
        using var dir = new TempDirectory();
        File.Copy(png.File(0), dir.File("good.png"));
        File.WriteAllText(dir.File("bad.png"), "not an image");
        var data = _ml.Data.LoadFromEnumerable(new[] { new ImageRow { ImagePath = "good.png" }, new ImageRow { ImagePath = "bad.png" } });
        var output = _ml.Transforms.EncodeVaeImages(Encoder, dir.Path).Fit(data).Transform(data);
        var e = Assert.Throws<InvalidDataException>(() => output.GetColumn<float[]>(OnnxContract.LatentMean).ToArray());
        Assert.Contains($"column 'ImagePath': {dir.File("bad.png")}: not a PNG or JPEG image", e.Message);

        var text = _ml.Data.LoadFromEnumerable(new[] { new { ImagePath = 3f } });
        Assert.Contains("column 'ImagePath' holds Single, but image paths are text",
            Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.EncodeVaeImages(Encoder, dir.Path).Fit(text)).Message);
    }
}
