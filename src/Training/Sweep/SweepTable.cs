using System.Globalization;
using VaePipeline.IO;

namespace VaePipeline.Training.Sweep;

/// <summary>sweep.csv: one row per (β, latent size) run, values in nats per image.</summary>
public static class SweepTable
{
    public const string FileName = "sweep.csv";
    public const string Header = "beta,latent,test_elbo,test_recon,test_kl,train_loss,seconds";

    public static void Write(string path, IEnumerable<SweepResult> results) =>
        AtomicFile.WriteAllText(path, string.Join('\n', results.Select(Row).Prepend(Header)) + "\n");

    private static string Row(SweepResult r) => string.Join(',',
        F(r.Beta), r.Latent.ToString(CultureInfo.InvariantCulture), F(r.Test.Elbo), F(r.Test.Reconstruction), F(r.Test.Kl), F(r.TrainLoss),
        r.Seconds.ToString("F2", CultureInfo.InvariantCulture));

    private static string F(double v) => v.ToString("G7", CultureInfo.InvariantCulture);
}
