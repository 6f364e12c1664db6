using VaePipeline.Inference.Latents;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;
using VaePipeline.Tests.Cli;
using VaePipeline.Tests.Onnx;
using VaePipeline.Tests.Training;

namespace VaePipeline.Tests.Latents;

/// <summary>A folder of images encoded to a latents file from code, with the Inference library alone, and read back.</summary>
public sealed class LibraryEncodingTests(MnistPngFolder png) : IClassFixture<MnistPngFolder>
{
    private static readonly string ReferenceFolder = Path.Combine(SharedData.RepositoryRoot, "onnx");

    [Fact]
    public void A_folder_encodes_to_a_latents_file_that_reads_back_every_path_and_latent_exactly()
    {
        using var dir = new TempDirectory();
        // Every character the CSV has to quote, in folder and file names.
        string[] names = ["plain.png", "comma, here.png", "a \"quote\".png", "line\nbreak.png", "carriage\rreturn.png", "sub, dir/x.png"];
        for (int i = 0; i < names.Length; i++)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir.Path, "images", names[i]))!);
            File.Copy(png.File(i), Path.Combine(dir.Path, "images", names[i]));
        }

        using var encoder = VaeEncoder.Open(Path.Combine(ReferenceFolder, OnnxContract.EncoderFile));
        var found = ImageInputs.Expand([dir.File("images")], []);
        var encoded = BatchEncoder.Encode(found.Files, encoder, invert: false, batchSize: 4, threads: 2);
        LatentsFile.Write(dir.File("latents.csv"), LatentFormat.Csv, found.Files, encoded);
        var table = LatentsFile.Read(dir.File("latents.csv"), encoder.LatentSize);

        Assert.Empty(found.Skipped);
        Assert.Equal(names.Order(StringComparer.Ordinal), table.SourcePaths);
        Assert.Equal(names.Length, table.Count);
        Assert.Equal(encoded.Mean, table.Latents); // "R" formatting: the floats come back bit for bit
        int[] indices = [.. table.SourcePaths!.Select(name => Array.IndexOf(names, name))];
        var trainer = TrainerReference.FromExport(ReferenceFolder).Encode(Mnist.Test, indices);
        for (int i = 0; i < trainer.Mean.Length; i++) Assert.Equal(trainer.Mean[i], table.Latents[i], 1e-5f);
    }

    [Fact]
    public void The_inference_library_needs_neither_the_trainer_nor_the_cli()
    {
        string[] references = [.. typeof(BatchEncoder).Assembly.GetReferencedAssemblies().Select(a => a.Name!)];
        Assert.Contains("VaePipeline.Shared", references);
        Assert.DoesNotContain("VaePipeline.Training", references);
        Assert.DoesNotContain("vae", references);
    }
}
