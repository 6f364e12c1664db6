using System.Globalization;
using VaePipeline.IO;

namespace VaePipeline.Training.Loop;

/// <summary>
/// metrics.csv: one row per evaluation, values in nats per image. Its rows are part of the checkpoint (each checkpoint
/// holds every row up to its step), so a crash cannot separate the two and a resumed run continues the same file.
/// </summary>
public static class MetricsLog
{
    public const string FileName = "metrics.csv";
    private const string Header = "step,epoch,train_loss,train_recon,train_kl,test_elbo,test_recon,test_kl,train_seconds,elapsed_seconds";

    public static string Row(EvaluationMetrics m) => string.Join(',', new object[]
    {
        m.Step, F(m.Epoch), F(m.TrainLoss), F(m.TrainReconstruction), F(m.TrainKl),
        F(m.Test.Elbo), F(m.Test.Reconstruction), F(m.Test.Kl), F(m.TrainSeconds), F(m.ElapsedSeconds),
    });

    public static void Write(string path, IEnumerable<string> rows) =>
        AtomicFile.WriteAllText(path, string.Join('\n', rows.Prepend(Header)) + "\n");

    /// <summary>The rows up to <paramref name="step"/>; none when the file is missing.</summary>
    /// <remarks>
    /// Rows after the step come from a run folder of an older layout, whose metrics.csv ran ahead of its checkpoint;
    /// rows whose step cannot be read (a hand-edited file) go with them rather than stopping the run.
    /// </remarks>
    public static List<string> Read(string path, long step) => !File.Exists(path) ? [] :
    [
        .. Csv.Records(path).Skip(1)
            .Where(r => long.TryParse(r.Fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out long rowStep) && rowStep <= step)
            .Select(r => string.Join(',', r.Fields)), // every field is a number, so the row is rejoined as it was written
    ];

    private static string F(double v) => v.ToString("G7", CultureInfo.InvariantCulture);
}
