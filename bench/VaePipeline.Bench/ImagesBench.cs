using System.Diagnostics;
using System.Formats.Tar;
using System.IO.Compression;
using VaePipeline.Inference.Images;

namespace VaePipeline.Bench;

/// <summary>
/// Decode + preprocess throughput on one thread over the 10,000 MNIST test PNGs (28 × 28 gray): every image through
/// <see cref="ModelInputReader"/> into 784 floats, once from bytes already in memory (the codec and the filter alone) and
/// once from the extracted files (adding open and read, with the files in the page cache). Best of several passes.
/// </summary>
internal static class ImagesBench
{
    private const int Passes = 5;

    public static void Run(string[] args)
    {
        string tar = BenchArgs.Value(args, "--tar") ?? DefaultTar();
        string folder = Directory.CreateTempSubdirectory("vae-bench-png-").FullName;
        try
        {
            using (var gzip = new GZipStream(File.OpenRead(tar), CompressionMode.Decompress))
                TarFile.ExtractToDirectory(gzip, folder, overwriteFiles: false);
            string[] paths = Directory.GetFiles(folder, "*.png", SearchOption.AllDirectories);
            byte[][] encoded = paths.Select(File.ReadAllBytes).ToArray();
            Console.WriteLine($"images benchmark: {paths.Length:N0} PNGs from {tar}, one thread, best of {Passes} passes");

            using var reader = new ModelInputReader(invert: false);
            var input = new float[ModelInputReader.Length];
            Report("from memory", encoded.Length, () =>
            {
                foreach (byte[] png in encoded)
                    reader.Read(png, input);
            });
            Report("from files", paths.Length, () =>
            {
                foreach (string path in paths)
                    reader.Read(path, input);
            });
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static void Report(string what, int count, Action pass)
    {
        double best = double.MaxValue;
        long allocated = 0;
        for (int p = 0; p < Passes; p++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            var clock = Stopwatch.StartNew();
            pass();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        }
        Console.WriteLine($"{what,-12} {count / best,10:N0} images/s  {best * 1e6 / count,6:F1} µs/image  " +
                          $"{(double)allocated / count,6:F0} B allocated/image");
    }

    private static string DefaultTar() => BenchArgs.InRepository("..", "shared", "data", "mnist-png", "mnist-test-png.tar.gz");
}
