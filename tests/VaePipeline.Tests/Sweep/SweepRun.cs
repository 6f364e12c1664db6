using VaePipeline.Tests.Cli;

namespace VaePipeline.Tests.Sweep;

/// <summary>
/// One tiny `vae sweep` (2 βs × 2 latent sizes, one epoch on 5,000 images, 64 hidden units), shared by the tests that
/// inspect what it wrote. 5,000 images rather than fewer: with under a hundred steps the βs have not yet pulled the KLs apart.
/// </summary>
public sealed class SweepRun : IDisposable
{
    public static readonly string[] Betas = ["0.01", "1"];
    public static readonly int[] Latents = [2, 5];
    private readonly TempDirectory _dir = new();

    public SweepRun()
    {
        Result = VaeProcess.Run("sweep", "--betas", string.Join(',', Betas), "--latents", string.Join(',', Latents), "--epochs", "1",
            "--train-size", "5000", "--hidden", "64", "--out", Folder);
    }

    public VaeProcess.Result Result { get; }

    public string Folder => _dir.File("sweep");

    public string File(string name) => Path.Combine(Folder, name);

    public void Dispose() => _dir.Dispose();
}
