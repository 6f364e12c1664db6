using VaePipeline.Inference.Figures;
using VaePipeline.IO;

namespace VaePipeline.Tests.IO;

/// <summary>The one CSV dialect: what <see cref="Csv.Field"/> writes, <see cref="Csv.Records(TextReader, string)"/> reads back exactly.</summary>
public class CsvTests
{
    private static CsvRecord[] Parse(string text) => [.. Csv.Records(new StringReader(text), "t.csv")];

    [Fact]
    public void Fields_with_commas_quotes_and_line_breaks_read_back_exactly_and_keep_their_starting_line()
    {
        string[] values = ["plain", "a,b", "say \"hi\"", "two\nlines", "cr\rlf\r\n", "", " spaced ", "ü ✓", "\""];
        string text = "h1,h2\n" + string.Join(",", values.Select(Csv.Field)) + "\r\nlast,row\n";

        var records = Parse(text);

        Assert.Equal(3, records.Length);
        Assert.Equal(["h1", "h2"], records[0].Fields);
        Assert.Equal(values, records[1].Fields);
        Assert.Equal((1, 2, 5), (records[0].Line, records[1].Line, records[2].Line)); // row 2 spans lines 2 to 4
        Assert.Equal(["last", "row"], records[2].Fields);
    }

    [Fact]
    public void Blank_lines_are_no_records_but_a_quoted_empty_field_is_one()
    {
        var records = Parse("a\n\n  \n\"\"\nb");
        Assert.Equal([["a"], [""], ["b"]], records.Select(r => r.Fields));
        Assert.Equal([1, 4, 5], records.Select(r => r.Line));
    }

    [Theory]
    [InlineData("a,b\n\"open,1\n2\n", "t.csv line 2: a quoted field is not closed")]
    [InlineData("a,b\n\"x\"y,1\n", "t.csv line 2: text after the closing quote")]
    public void Broken_quoting_is_refused_naming_the_line(string text, string message)
    {
        var error = Assert.Throws<InvalidDataException>(() => Parse(text));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void The_figures_read_their_logs_through_the_same_reader()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("sweep.csv"), "\"beta\",latent,\"test_elbo\"\r\n0.1,2,-140.5\r\n\r\n1,5,\"-120\"\r\n");

        var columns = CsvColumns.Read(dir.File("sweep.csv"));

        Assert.Equal(2, columns.Rows);
        Assert.Equal([0.1, 1], columns["beta"]);
        Assert.Equal([-140.5, -120], columns["test_elbo"]);
    }
}
