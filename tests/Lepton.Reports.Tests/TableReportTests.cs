using System.Globalization;
using System.Text.RegularExpressions;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Registry.Datasets.Tables;
using Lepton.Reports.Evaluation.Tables;
using Lepton.Reports.Html;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Reports.Tests;

/// <summary>
/// A table classifier's full report: a logistic model trained on 600 test-made rows (churn when usage is low, except in the
/// "north" region, where it never churns, which a linear model on usage and plan cannot learn), its report on the test split
/// with one slice per region, the confusion matrix the page draws equal to evaluation.json's, and the rows it gets most wrong.
/// </summary>
public sealed class TableReportTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-table-report-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    private static TableDatasetVersion Version()
    {
        var rng = new Random(13);
        const int n = 600;
        string[] regions = ["north", "south", "east"];
        var id = new string?[n];
        var region = new string?[n];
        var plan = new string?[n];
        var usage = new double[n];
        var churned = new string?[n];
        var split = new string[n];
        for (int i = 0; i < n; i++)
        {
            id[i] = $"C{i}";
            region[i] = regions[i % 3];
            plan[i] = rng.Next(2) == 0 ? "basic" : "pro";
            usage[i] = Math.Round(rng.NextDouble() * 100, 1);
            churned[i] = usage[i] < 40 && region[i] != "north" ? "yes" : "no";
            split[i] = i % 4 == 0 ? "test" : "train";
        }
        var table = new Table([new StringColumn("customer_id", ColumnKind.Identifier, id), new StringColumn("region", ColumnKind.Categorical, region),
            new StringColumn("plan", ColumnKind.Categorical, plan), new NumericColumn("usage", usage), new StringColumn("churned", ColumnKind.Categorical, churned)]);
        return TableVersions.Make("churn", table, "churned", split, group: "region");
    }

    [Fact]
    public async Task TableClassifierReport_SlicesByGroup_DrawsEvaluationJsonsConfusion_AndShowsRows()
    {
        var version = Version();
        string folder = Path.Combine(_root, "logistic");
        TabularTraining.Run(version, new TabularRecipe("churn@1", "logistic", Seed: 1), folder);
        var data = ReportTableData.FromVersion(version);
        Assert.Equal("test", data.HeadlineSplit);
        Assert.Equal(["no", "yes"], data.ClassNames);
        var report = await ReportWorkflow.EvaluateAsync(new ReportModel("logistic", folder), data, null, new ReportOptions(BootstrapResamples: 100));

        Assert.Equal(150, report.Metrics.Count);
        var regions = report.Slices.Where(s => s.Group == "group (region)").ToList();
        Assert.Equal(["north", "south", "east"], regions.Select(s => s.Name));
        Assert.All(regions, r => Assert.Equal(200, r.Count));
        // The region the model cannot see the rule of is where it is worst.
        Assert.Equal("north", regions.MinBy(r => r.Accuracy)!.Name);

        string html = EvaluationReportHtml.Render(report);
        var json = report.EvaluationJson();
        var matrix = json["confusion_matrix"]!.AsArray();
        var cells = Regex.Matches(html, "<rect class=\"cell\"[^>]*?data-row=\"(\\d+)\" data-col=\"(\\d+)\" data-value=\"(\\d+)\"");
        Assert.Equal(4, cells.Count);
        foreach (Match c in cells)
            Assert.Equal(matrix[int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture)]![int.Parse(c.Groups[2].Value, CultureInfo.InvariantCulture)]!.GetValue<int>(),
                int.Parse(c.Groups[3].Value, CultureInfo.InvariantCulture));
        Assert.Contains("Every evaluated row, by split and by its group (region)", html);

        Assert.NotEmpty(report.Mistakes);
        var first = report.Mistakes[0];
        var figure = Regex.Match(html, $"<figure data-index=\"{first.Index}\"[^>]*>(.*?)</figure>").Groups[1].Value;
        var table = ((TableExamples)data.Examples).Table;
        Assert.Contains($"<td data-column=\"customer_id\">{table["customer_id"].Format(first.Index)}</td>", figure);
        Assert.Contains($"<td data-column=\"region\">{table["region"].Format(first.Index)}</td>", figure);
        Assert.Contains($"<td data-column=\"churned\">{data.ClassNames[first.Actual]}</td>", figure);
    }
}
