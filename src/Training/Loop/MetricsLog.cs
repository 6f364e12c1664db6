using System.Globalization;
using VaePipeline.IO;

namespace VaePipeline.Training.Loop;

/// <summary>
/// metrics.csv beside the checkpoint: one row per evaluation, appended as training goes, so a crash loses at most
/// the row being written. Values in nats per image.
/// </summary>
public static class MetricsLog
{
    public const string FileName = "metrics.csv";
    private const string Header = "step,epoch,train_loss,train_recon,train_kl,test_elbo,test_recon,test_kl,train_seconds,elapsed_seconds";

    public static void Append(string directory, EvaluationMetrics m)
    {
        string path = Path.Combine(directory, FileName);
        bool isNew = !File.Exists(path);
        using var writer = new StreamWriter(path, append: true);
        if (isNew) writer.WriteLine(Header);
        writer.WriteLine(string.Join(',', new object[]
        {
            m.Step, F(m.Epoch), F(m.TrainLoss), F(m.TrainReconstruction), F(m.TrainKl),
            F(m.Test.Elbo), F(m.Test.Reconstruction), F(m.Test.Kl), F(m.TrainSeconds), F(m.ElapsedSeconds),
        }));
    }

    /// <summary>On resume: rows written after the checkpoint being resumed belong to a run that is being redone.</summary>
    public static void TruncateAfter(string directory, long step)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return;
        var lines = File.ReadAllLines(path);
        // Rows whose step cannot be read (a hand-edited file) are dropped with the rest rather than stopping the run.
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l =>
            long.TryParse(l.Split(',')[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long rowStep) && rowStep <= step));
        AtomicFile.WriteAllText(path, string.Join('\n', kept) + "\n");
    }

    private static string F(double v) => v.ToString("G7", CultureInfo.InvariantCulture);
}
