using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using VaePipeline.Inference.Components;
using VaePipeline.Model;
using VaePipeline.Tests.Onnx;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Components;

/// <summary>
/// The encoder and decoder as ML.NET transforms on the committed K&amp;W model: the trainer's numbers on all 10,000 test
/// digits through batches (the last one partial), pass-through columns kept in row order, PredictionEngine equal to
/// Transform, many threads on one transformer, and Save → Load, in this process and in one without VaePipeline.
/// </summary>
public class PipelineTests
{
    private static readonly string ModelDir = Path.Combine(SharedData.RepositoryRoot, "onnx");
    private static readonly string Encoder = Path.Combine(ModelDir, OnnxContract.EncoderFile);
    private static readonly string Decoder = Path.Combine(ModelDir, OnnxContract.DecoderFile);
    private static readonly Lazy<TrainerReference> Reference = new(() => TrainerReference.FromExport(ModelDir));
    private readonly MLContext _ml = new(seed: 1);

    private IEstimator<ITransformer> EncodeThenDecode(int batchSize = VaeCatalog.DefaultBatchSize) =>
        _ml.Transforms.EncodeVae(Encoder, meanColumnName: "Mean", logSigmaColumnName: "LogSigma", inputColumnName: "Pixels", batchSize: batchSize)
            .Append(_ml.Transforms.DecodeVae(Decoder, outputColumnName: "Reconstruction", inputColumnName: "Mean", batchSize: batchSize));

    [Fact]
    public void Pipeline_reproduces_the_trainer_on_every_test_digit_in_row_order()
    {
        int[] all = [.. Enumerable.Range(0, Mnist.Test.Count)];
        var data = _ml.Data.LoadFromEnumerable(DigitRow.Of(Mnist.Test, all));
        var model = EncodeThenDecode().Fit(data);
        var output = model.Transform(data);

        var rows = _ml.Data.CreateEnumerable<LatentRow>(output, reuseRowObject: false).ToArray();
        Assert.Equal(all, rows.Select(r => r.Index));
        Assert.Equal(all.Select(i => (int)Mnist.Test.Labels[i]), rows.Select(r => r.Label));
        var (mean, logSigma) = Reference.Value.Encode(Mnist.Test, all);
        SessionTests.AssertClose(mean, [.. rows.SelectMany(r => r.Mean)]);
        SessionTests.AssertClose(logSigma, [.. rows.SelectMany(r => r.LogSigma)]);

        int[] some = [.. all.Where(i => i % 97 == 0)];
        var reconstructions = output.GetColumn<float[]>("Reconstruction").Where((_, i) => i % 97 == 0).SelectMany(r => r).ToArray();
        SessionTests.AssertClose(Reference.Value.Decode([.. some.SelectMany(i => mean.AsSpan(2 * i, 2).ToArray())]), reconstructions);
    }

    [Fact]
    public void Batch_size_does_not_change_the_rows()
    {
        var data = _ml.Data.LoadFromEnumerable(DigitRow.Of(Mnist.Test, Enumerable.Range(0, 100)));
        float[] Means(int batch) => [.. EncodeThenDecode(batch).Fit(data).Transform(data).GetColumn<float[]>("Mean").SelectMany(m => m)];
        float[] single = Means(1);
        Assert.Equal(single, Means(7), new Tolerance(1e-6f));
        Assert.Equal(single, Means(256), new Tolerance(1e-6f));
    }

    [Fact]
    public void Prediction_engine_equals_transform()
    {
        var digits = DigitRow.Of(Mnist.Test, Enumerable.Range(0, 50));
        var data = _ml.Data.LoadFromEnumerable(digits);
        var model = EncodeThenDecode().Fit(data);
        var batched = _ml.Data.CreateEnumerable<LatentRow>(model.Transform(data), reuseRowObject: false).ToArray();

        using var engine = _ml.Model.CreatePredictionEngine<DigitRow, LatentRow>(model);
        for (int i = 0; i < digits.Length; i++)
        {
            var single = engine.Predict(digits[i]);
            Assert.Equal(batched[i].Mean, single.Mean, new Tolerance(1e-6f));
            Assert.Equal(batched[i].LogSigma, single.LogSigma, new Tolerance(1e-6f));
            Assert.Equal(digits[i].Label, single.Label);
        }
    }

    [Fact]
    public void Many_threads_share_one_fitted_transformer()
    {
        var data = _ml.Data.LoadFromEnumerable(DigitRow.Of(Mnist.Test, Enumerable.Range(0, 600)));
        var model = EncodeThenDecode(batchSize: 64).Fit(data);
        var expected = model.Transform(data).GetColumn<float[]>("Mean").SelectMany(m => m).ToArray();
        var results = new float[8][];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 },
            t => results[t] = [.. model.Transform(data).GetColumn<float[]>("Mean").SelectMany(m => m)]);
        Assert.All(results, r => Assert.Equal(expected, r));
    }

    [Fact]
    public void Unread_outputs_never_run_the_model()
    {
        var data = _ml.Data.LoadFromEnumerable(DigitRow.Of(Mnist.Test, Enumerable.Range(0, 10)));
        var model = _ml.Transforms.EncodeVae(Encoder, inputColumnName: "Pixels").Fit(data);
        var output = model.Transform(data);
        using var cursor = output.GetRowCursor([output.Schema["Label"]]);
        Assert.False(cursor.IsColumnActive(output.Schema[OnnxContract.LatentMean]));
        var label = cursor.GetGetter<int>(output.Schema["Label"]);
        var labels = new List<int>();
        while (cursor.MoveNext())
        {
            int value = 0;
            label(ref value);
            labels.Add(value);
        }
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (int)Mnist.Test.Labels[i]), labels);
    }

    [Fact]
    public void Saved_pipeline_loads_and_gives_the_same_outputs()
    {
        using var dir = new TempDirectory();
        var data = _ml.Data.LoadFromEnumerable(DigitRow.Of(Mnist.Test, Enumerable.Range(0, 200)));
        var model = EncodeThenDecode().Fit(data);
        _ml.Model.Save(model, data.Schema, dir.File("vae.zip"));

        var loaded = _ml.Model.Load(dir.File("vae.zip"), out var schema);
        Assert.Equal(data.Schema.Select(c => c.Name), schema.Select(c => c.Name));
        foreach (string column in new[] { "Mean", "LogSigma", "Reconstruction" })
            Assert.Equal(model.Transform(data).GetColumn<float[]>(column).SelectMany(v => v).ToArray(),
                loaded.Transform(data).GetColumn<float[]>(column).SelectMany(v => v).ToArray(), new Tolerance(1e-6f));
    }

    [Fact]
    public void Saved_encoder_runs_in_a_process_that_references_only_MLNet_and_OnnxRuntime()
    {
        using var dir = new TempDirectory();
        var digits = DigitRow.Of(Mnist.Test, Enumerable.Range(0, 30));
        var data = _ml.Data.LoadFromEnumerable(digits);
        var model = _ml.Transforms.EncodeVae(Encoder, meanColumnName: "Mean", inputColumnName: "Pixels").Fit(data);
        _ml.Model.Save(model, data.Schema, dir.File("encoder.zip"));
        File.WriteAllLines(dir.File("pixels.tsv"),
            digits.Select(d => string.Join('\t', d.Pixels.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));

        var (exit, output, error) = BuiltProgram.Run("tests/VaePipeline.LoadCheck", "VaePipeline.LoadCheck",
            dir.File("encoder.zip"), dir.File("pixels.tsv"), "Pixels", "784", "Mean");

        Assert.True(exit == 0, error);
        Assert.DoesNotContain("loaded VaePipeline", error);
        float[] means = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(line => line.Split('\t').Select(v => float.Parse(v, CultureInfo.InvariantCulture)))];
        SessionTests.AssertClose(Reference.Value.Encode(Mnist.Test, [.. Enumerable.Range(0, 30)]).Mean, means);
    }

    [Fact]
    public void Fit_and_schemas_refuse_bad_input_naming_the_column()
    {
        var data = _ml.Data.LoadFromEnumerable(DigitRow.Of(Mnist.Test, [0, 1]));

        var missing = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.EncodeVae(Encoder).Fit(data));
        Assert.Contains("no column 'pixels' (its columns: Pixels, Label, Index)", missing.Message);
        var wrongType = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.EncodeVae(Encoder, inputColumnName: "Label").Fit(data));
        Assert.Contains("column 'Label' holds Int32, but the model reads pixels/255 in [0, 1]: a vector of 784 Single values", wrongType.Message);
        var wrongSize = Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.DecodeVae(Decoder, inputColumnName: "Pixels").Fit(data));
        Assert.Contains("column 'Pixels' holds Vector<Single, 784>, but the model reads latent codes z: a vector of 2 Single values", wrongSize.Message);

        var swapped = Assert.Throws<InvalidDataException>(() => _ml.Transforms.EncodeVae(Decoder, inputColumnName: "Pixels").Fit(data));
        Assert.Contains("the model has no input 'pixels'", swapped.Message);
        using var dir = new TempDirectory();
        File.WriteAllBytes(dir.File("corrupt.onnx"), File.ReadAllBytes(Encoder)[..1000]);
        Assert.Contains("ONNX Runtime cannot load it",
            Assert.Throws<InvalidDataException>(() => _ml.Transforms.EncodeVae(dir.File("corrupt.onnx"), inputColumnName: "Pixels").Fit(data)).Message);

        var model = _ml.Transforms.EncodeVae(Encoder, inputColumnName: "Pixels").Fit(data);
        var other = _ml.Data.LoadFromEnumerable(new[] { new { Pixels = 1f } });
        Assert.Contains("column 'Pixels' holds Single", Assert.Throws<ArgumentOutOfRangeException>(() => model.Transform(other)).Message);

        var shape = (SchemaShape)typeof(SchemaShape).GetMethod("Create", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
            .Invoke(null, [data.Schema])!;
        Assert.Contains("no column 'latent'", Assert.Throws<ArgumentOutOfRangeException>(() => _ml.Transforms.DecodeVae(Decoder).GetOutputSchema(shape)).Message);
        var added = _ml.Transforms.EncodeVae(Encoder, meanColumnName: "Mean", inputColumnName: "Pixels").GetOutputSchema(shape);
        Assert.Equal(["Pixels", "Label", "Index", "Mean", OnnxContract.LatentLogSigma], added.Select(c => c.Name));
    }

    private sealed class Tolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
