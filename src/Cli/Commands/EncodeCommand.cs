using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using VaePipeline.Cli.Output;
using VaePipeline.Inference.Latents;
using VaePipeline.Inference.Onnx;
using VaePipeline.Model;

namespace VaePipeline.Cli.Commands;

/// <summary><c>vae encode INPUT...</c>: the posterior μ and log σ of every image in folders, files and lists, into one file.</summary>
internal static class EncodeCommand
{
    /// <summary>The exit code when some files were skipped and the rest were written.</summary>
    public const int SomeFailed = 2;

    private static readonly Argument<string[]> Inputs = new("input")
    {
        Description = $"Image folders (searched recursively for {string.Join(", ", ImageInputs.FolderExtensions)} files, any case; " +
                      "links to folders inside are not followed, as with find), or image files. Only regular files are read " +
                      "(links to them included). PNG or JPEG is told from the bytes, not the name.",
        Arity = ArgumentArity.ZeroOrMore,
    };
    // An option rather than @LIST: System.CommandLine reads @FILE as a response file, which splits paths at spaces.
    private static readonly Option<string[]> Lists = new("--list")
    {
        Description = "A text file naming one image folder or file per line (UTF-8; paths may hold spaces). May be repeated.",
        HelpName = "FILE",
    };
    private static readonly Option<string> Model = new("--model", "-m")
    {
        Description = "The ONNX encoder (written by 'vae export').",
        HelpName = "FILE",
        DefaultValueFactory = _ => Path.Combine("onnx", OnnxContract.EncoderFile),
    };
    private static readonly Option<Spelled<LatentFormat>> Format = EnumOption.Create("--format", "Output format.", LatentFormat.Csv);
    private static readonly Option<string?> Out = new("--out", "-o")
    {
        Description = "Output file (default: latents.csv, or latents.jsonl with --format jsonl, in the current folder). " +
                      "Paths in it are relative to the folder an image was found in, or as given for files.",
        HelpName = "FILE",
    };
    private static readonly Option<bool> Invert = new("--invert") { Description = "Dark ink on light paper: use 1 − intensity, so digits are bright on dark as in MNIST." };
    private static readonly Option<Spelled<InferenceDevice>> Device = DeviceOption.Create();
    private static readonly Option<bool> Force = new("--force") { Description = "Replace the output file if it exists." };
    private static readonly Option<int> BatchSize = new("--batch-size", "-b") { Description = "Images per encoder run.", DefaultValueFactory = _ => 256 };
    private static readonly Option<int> Threads = new("--threads") { Description = "Threads, each decoding images and running the encoder in turn (0: all cores).", DefaultValueFactory = _ => 0 };

    public static Command Create()
    {
        var command = new Command("encode",
            "Encode images to the posterior's μ and log σ, one row per image sorted by path. Unreadable files and folders, " +
            $"and entries that are no regular files, are reported on stderr and skipped; the exit code is then {SomeFailed}.")
        {
            Inputs, Lists, Model, Format, Out, Invert, Device, Force, BatchSize, Threads,
        };
        command.SetAction((parse, _) => CommandErrors.Run(() => Task.FromResult(Encode(parse))));
        return command;
    }

    private static int Encode(ParseResult parse)
    {
        var clock = Stopwatch.StartNew();
        var format = parse.GetValue(Format).Value;
        string output = parse.GetValue(Out) ?? (format == LatentFormat.Csv ? "latents.csv" : "latents.jsonl");
        string model = parse.GetValue(Model)!;
        int batchSize = parse.GetValue(BatchSize);
        int threads = parse.GetValue(Threads) is var t && t == 0 ? Environment.ProcessorCount : t;
        if (batchSize < 1) throw new ArgumentException($"--batch-size must be ≥ 1 (got {batchSize})");
        if (threads < 1) throw new ArgumentException($"--threads must be ≥ 0 (got {threads})");
        CheckOutput(output, parse.GetValue(Force));
        if (!File.Exists(model)) throw new ArgumentException($"the model {model} does not exist (pass --model FILE)");

        // ONNX Runtime loads while the inputs are listed and the first images decode. One intra-op thread: the
        // pipeline's workers each run the session themselves.
        var loading = Task.Run(() => VaeEncoder.Open(model, DeviceOption.Read(parse, Device, intraOpThreads: 1)));
        try
        {
            var (inputs, unlisted) = ImageInputs.Expand(parse.GetValue(Inputs) ?? [], parse.GetValue(Lists) ?? []);
            foreach (string entry in unlisted) Console.Error.WriteLine($"skipped {entry}");
            if (inputs.Length == 0)
                throw new ArgumentException($"no images to encode: {unlisted.Length:N0} {(unlisted.Length == 1 ? "entry" : "entries")} could not be read; {output} was not written");
            var encoded = EncodingConsole.Run(inputs.Length,
                progress => BatchEncoder.Encode(inputs, loading, parse.GetValue(Invert), batchSize, threads, progress));

            foreach (string? failure in encoded.Failures)
                if (failure is not null) Console.Error.WriteLine($"skipped {failure}");
            int written = inputs.Length - encoded.FailedCount;
            if (written == 0)
                throw new InvalidDataException($"none of the {inputs.Length:N0} files could be read as an image; {output} was not written");

            LatentsFile.Write(output, format, inputs, encoded);
            double seconds = clock.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"encoded {written:N0} images ({encoded.FailedCount:N0} failed) to {output} in {seconds:F2} s, {written / seconds:N0} images/s"));
            return encoded.FailedCount == 0 && unlisted.Length == 0 ? 0 : SomeFailed;
        }
        finally
        {
            // Exiting while ONNX Runtime still loads on another thread aborts the process, so an early error waits for it.
            Task.WhenAny(loading).Wait();
            if (loading.IsCompletedSuccessfully) loading.Result.Dispose();
        }
    }

    /// <summary>Refuses, before any work, an output that would be replaced without --force or cannot be written.</summary>
    private static void CheckOutput(string output, bool force)
    {
        if (Directory.Exists(output)) throw new ArgumentException($"the output {output} is a folder; pass a file name with --out");
        if (File.Exists(output) && !force)
            throw new ArgumentException($"{output} already exists; pass --force to replace it, or --out for another file");
        string folder = Path.GetDirectoryName(Path.GetFullPath(output))!;
        if (!Directory.Exists(folder)) throw new ArgumentException($"the output folder {folder} does not exist");
    }
}
