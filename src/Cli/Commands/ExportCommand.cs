using System.CommandLine;
using System.Globalization;
using VaePipeline.Model;
using VaePipeline.Training.Checkpoints;
using VaePipeline.Training.Onnx;

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae export RUN</c>: the checkpoint's encoder and decoder as standard ONNX files.</summary>
internal static class ExportCommand
{
    private const string DefaultFolder = "onnx";

    private static readonly Argument<string> Run = new("run") { Description = "Run folder holding a checkpoint (written by 'vae train')." };
    private static readonly Option<string?> Out = new("--out", "-o")
    {
        Description = $"Folder for {OnnxContract.EncoderFile} and {OnnxContract.DecoderFile} (default: RUN/{DefaultFolder}).",
        HelpName = "DIR",
    };
    private static readonly Option<bool> Force = new("--force") { Description = "Replace ONNX files already in the output folder." };

    public static Command Create()
    {
        var command = new Command("export",
            $"Write the checkpoint's encoder and decoder as ONNX files (opset {OnnxExport.Opset}, float32, dynamic batch size), " +
            "with the training's pixel preprocessing inside the encoder and the model config in their metadata.")
        {
            Run, Out, Force,
        };
        command.SetAction((parse, _) => CommandErrors.Run(() => Task.FromResult(Export(parse))));
        return command;
    }

    private static int Export(ParseResult parse)
    {
        string run = parse.GetValue(Run)!;
        string directory = parse.GetValue(Out) ?? Path.Combine(run, DefaultFolder);
        var checkpoint = CheckpointStore.Load(run);
        var existing = new[] { OnnxContract.EncoderFile, OnnxContract.DecoderFile }.Where(f => File.Exists(Path.Combine(directory, f))).ToList();
        if (existing.Count > 0 && !parse.GetValue(Force))
            throw new ArgumentException($"{directory} already holds {string.Join(" and ", existing)}; pass --force to replace them, or --out for another folder");

        var written = OnnxExport.Write(directory, checkpoint.Model, checkpoint.Parameters, ExportMetadata.FromCheckpoint(checkpoint));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"exported step {checkpoint.Step:N0}{(checkpoint.LastTest is { } t ? $" (test ELBO {t.Elbo:F2})" : "")} " +
            $"as ONNX opset {OnnxExport.Opset}, IR version {OnnxExport.IrVersion}:"));
        foreach (var model in written)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{model.Role,-8} {model.Path}  ({model.Bytes:N0} bytes)"));
            foreach (var input in model.Inputs) Console.WriteLine($"  input   {input}");
            foreach (var output in model.Outputs) Console.WriteLine($"  output  {output}");
        }
        return 0;
    }
}
