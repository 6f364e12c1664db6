using System.Xml.Linq;
using VaePipeline.Inference.Figures;

namespace VaePipeline.Tests.Report;

public class CurvesFigureTests
{
    private static readonly XNamespace SvgNs = "http://www.w3.org/2000/svg";

    [Fact]
    public void The_train_elbo_is_reconstruction_minus_kl_not_the_beta_weighted_loss()
    {
        // A β = 0.01 run: the loss the optimizer saw is recon + 0.01·KL, far from the ELBO recon − KL. The train rows
        // are chosen so that their ELBO equals the test ELBO, whose line must then coincide with the train line.
        using var dir = new TempDirectory();
        File.WriteAllLines(dir.File("metrics.csv"),
        [
            "step,epoch,train_loss,train_recon,train_kl,test_elbo,test_recon,test_kl",
            "100,1,150.5,-150,50,-200,-140,60",
            "200,2,120.6,-120,60,-180,-110,70",
        ]);

        var svg = CurvesFigure.Draw(CsvColumns.Read(dir.File("metrics.csv")), logX: false);

        var lines = XDocument.Parse(svg.ToString()).Root!.Elements(SvgNs + "polyline").Select(l => (string)l.Attribute("points")!).ToArray();
        Assert.Equal(lines[1], lines[0]);
    }
}
