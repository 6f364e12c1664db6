using VaePipeline.Tests.Cli;

namespace VaePipeline.Tests.Report;

/// <summary>One `vae report` run on the committed reference model, shared by the tests that inspect its figures.</summary>
public sealed class ReportRun : IDisposable
{
    public const int ScatterImages = 300, CompletionImage = 3;
    private readonly TempDirectory _dir = new();

    public ReportRun()
    {
        System.IO.File.WriteAllLines(_dir.File("metrics.csv"), MetricsRows);
        System.IO.File.WriteAllLines(_dir.File("sweep.csv"), SweepRows);
        Result = VaeProcess.Run("report", "--model-dir", ModelDir, "--out", Folder, "--scatter-images", $"{ScatterImages}",
            "--metrics", _dir.File("metrics.csv"), "--sweep", _dir.File("sweep.csv"), "--completion-image", $"{CompletionImage}");
    }

    public static string ModelDir => Path.Combine(SharedData.RepositoryRoot, "onnx");

    /// <summary>A trainer's log of four evaluations, in its own column order.</summary>
    public static readonly string[] MetricsRows =
    [
        "step,epoch,train_loss,train_recon,train_kl,test_elbo,test_recon,test_kl,train_seconds,elapsed_seconds",
        "600,1,190.5,-185.2,5.3,-170.1,-164.9,5.2,1.2,1.5",
        "1200,2,165.0,-159.6,5.4,-160.3,-154.8,5.5,2.4,2.9",
        "1800,3,160.2,-154.6,5.6,-157.0,-151.3,5.7,3.6,4.3",
        "2400,4,158.1,-152.4,5.7,-155.2,-149.4,5.8,4.8,5.7",
    ];

    /// <summary>A sweep's table of two βs at three latent sizes, its columns in another order than <c>vae sweep</c> writes them.</summary>
    public static readonly string[] SweepRows =
    [
        "latent,beta,test_kl,test_recon,test_elbo,train_loss,seconds",
        "2,0.1,15.9,-148.7,-164.6,152.8,4.1",
        "5,0.1,29.9,-108.6,-138.5,113.8,4.3",
        "10,0.1,43.3,-81.9,-125.1,89.4,4.6",
        "2,1,5.6,-153.7,-159.3,162.0,4.0",
        "5,1,12.1,-115.2,-127.3,130.0,4.2",
        "10,1,19.0,-91.9,-110.9,114.6,4.5",
    ];

    public VaeProcess.Result Result { get; }

    public string Folder => _dir.File("report");

    public string File(string name) => Path.Combine(Folder, name);

    public void Dispose() => _dir.Dispose();
}
