// load-check MODEL.zip INPUT.tsv INPUT_COLUMN WIDTH OUTPUT_COLUMN
// Loads a saved ML.NET model, feeds it the rows of INPUT.tsv (WIDTH tab-separated floats each) as the vector column
// INPUT_COLUMN, and prints OUTPUT_COLUMN of every row, one row per line, values tab-separated and round-trippable.
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

if (args.Length != 5)
{
    Console.Error.WriteLine("usage: load-check MODEL.zip INPUT.tsv INPUT_COLUMN WIDTH OUTPUT_COLUMN");
    return 2;
}
var ml = new MLContext();
var model = ml.Model.Load(args[0], out _);
int width = int.Parse(args[3], CultureInfo.InvariantCulture);
var rows = ml.Data.LoadFromTextFile(args[1], [new TextLoader.Column(args[2], DataKind.Single, 0, width - 1)]);
var outputs = model.Transform(rows).GetColumn<float[]>(args[4]);
foreach (var row in outputs)
    Console.WriteLine(string.Join('\t', row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
    if (assembly.GetName().Name!.StartsWith("VaePipeline.", StringComparison.Ordinal) && assembly.GetName().Name != "VaePipeline.LoadCheck")
        Console.Error.WriteLine($"loaded {assembly.GetName().Name}");
return 0;
