using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Inspection;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// The HTML page of a table inspection: a distribution per column whose drawn counts are the column's own, the label's role,
/// every finding kind with the rows it names, hostile values encoded, and long finding lists cut short.
/// </summary>
public sealed partial class TableInspectionHtmlTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    private (Table Table, TableSchema Schema) Read(string csv, string label)
    {
        var table = TableReader.Read(_files.Write("t.csv", csv));
        return (table, TableRoles.Apply(table, label));
    }

    [GeneratedRegex("""<rect class="bin"[^>]*data-series="([^"]+)"[^>]*data-count="(\d+)"/>""")]
    private static partial Regex Bin();

    // Each series' drawn counts summed, in the order the chart of the first svg after the column's row draws them.
    private static Dictionary<string, long> DrawnCounts(string html, string column)
    {
        int row = html.IndexOf($"<tr><td>{column}", StringComparison.Ordinal);
        Assert.True(row >= 0, $"no row for {column}");
        int end = html.IndexOf("</svg>", row, StringComparison.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (Match m in Bin().Matches(html[row..end]))
            counts[m.Groups[1].Value] = counts.GetValueOrDefault(m.Groups[1].Value) + long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture);
        return counts;
    }

    [Fact]
    public void Render_PlantedProblems_DrawsEveryColumnAndShowsTheRowsOfEachFinding()
    {
        var (table, schema) = Read(PlantedTables.Problems(), "label");
        var report = TableInspector.Inspect(table, schema, dataset: "planted@1");
        string html = TableInspectionHtml.Render(report, table, schema);

        Assert.StartsWith("<!DOCTYPE html>", html);
        Assert.Contains("<h1>Inspection of planted@1</h1>", html);
        // bonus is missing in the odd rows: its histogram counts the 150 values there are, age all 300.
        Assert.Equal(150, DrawnCounts(html, "bonus")["all"]);
        Assert.Equal(300, DrawnCounts(html, "age")["all"]);
        Assert.Contains("<tr><td>label <span class=\"role\">label</span>", html);
        Assert.Contains("e.g. '1', '2', '3'", html); // the id column: examples, not counts
        Assert.Contains("data-label=\"magenta\" data-value=\"1\"", html); // color's rare category among its bars
        foreach (var kind in report.CountsByKind.Keys) Assert.Contains($"<h3 id=\"{kind}\">", html);
        // The rare category's row, with the finding's column marked.
        var rare = html[html.IndexOf("<h3 id=\"rare-categories\">", StringComparison.Ordinal)..];
        Assert.Contains("<tr><td>77</td><td class=\"hit\">magenta</td>", rare);
    }

    [Fact]
    public void Render_AFreeTextColumn_DrawsTheWordsInTheMostRows()
    {
        var table = new Table(
        [
            new StringColumn("note", ColumnKind.Text, ["The app crashed", "app crashed again", "all good, thanks", null, "the app is slow"]),
            new StringColumn("y", ColumnKind.Categorical, ["bad", "bad", "ok", "ok", "bad"]),
        ]);
        var schema = TableRoles.Apply(table, "y");
        string html = TableInspectionHtml.Render(TableInspector.Inspect(table, schema, dataset: "notes@1"), table, schema);
        Assert.Contains("Rows holding each word of note", html);
        Assert.Contains("data-label=\"app\" data-value=\"3\"", html); // counted once per row, lower-cased
        Assert.Contains("data-label=\"the\" data-value=\"2\"", html);
        Assert.Contains("e.g. 'The app crashed'", html);
    }

    [Fact]
    public void Render_SplitTable_OverlaysTrainingAndTestRows()
    {
        var (table, schema) = Read(PlantedTables.Problems(), "label");
        var splits = new TableSplits([.. Enumerable.Range(0, table.RowCount).Select(r => r % 4 == 0 ? ImageSplits.Test : ImageSplits.Train)],
            [.. Enumerable.Range(0, table.RowCount).Select(_ => (int?)null)]);
        var report = TableInspector.Inspect(table, schema, splits);
        string html = TableInspectionHtml.Render(report, table, schema, splits);

        Assert.Contains("split train 225, test 75", html);
        Assert.Equal(new Dictionary<string, long> { ["train"] = 225, ["test"] = 75 }, DrawnCounts(html, "age"));
    }

    [Fact]
    public void Render_HostileValuesAndManyFindings_EncodedAndCutShort()
    {
        var csv = new StringBuilder("name,kind,label\n");
        // 30 records entered twice (30 duplicate-rows findings), one category that is markup.
        for (int r = 0; r < 60; r++) csv.Append(CultureInfo.InvariantCulture, $"n{r % 30},{(r % 30 == 7 ? "\"<script>alert(1)</script>\"" : "plain")},{(r % 2 == 0 ? "a" : "b")}\n");
        var (table, schema) = Read(csv.ToString(), "label");
        var report = TableInspector.Inspect(table, schema);
        string html = TableInspectionHtml.Render(report, table, schema);

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
        Assert.Equal(30, report.OfKind(TableInspectionKinds.DuplicateRows).Count());
        int start = html.IndexOf("<h3 id=\"duplicate-rows\">", StringComparison.Ordinal), next = html.IndexOf("<h3", start + 3, StringComparison.Ordinal);
        string section = next < 0 ? html[start..] : html[start..next];
        Assert.Equal(TableInspectionHtml.MaxFindingsPerKind, Regex.Matches(section, "class=\"finding\"").Count);
        Assert.Contains($"… and {30 - TableInspectionHtml.MaxFindingsPerKind} more duplicate-rows findings", html);
    }
}
