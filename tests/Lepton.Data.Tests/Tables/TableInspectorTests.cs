using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Inspection;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// The inspection on tables with planted problems: exactly the planted problems are reported, naming their columns and
/// rows, and the clean columns beside them raise nothing.
/// </summary>
public sealed class TableInspectorTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    private (Table Table, TableSchema Schema) Read(string csv, string label)
    {
        var table = TableReader.Read(_files.Write("t.csv", csv));
        return (table, TableRoles.Apply(table, label));
    }

    private static List<string> Summary(TableInspectionReport report) =>
        [.. report.Findings.Select(f => $"{f.Kind} [{string.Join(",", f.Columns)}]" + (f.Rows.Count > 0 && f.Kind is not (TableInspectionKinds.MissingValues or TableInspectionKinds.DuplicateRows) ? $" rows {string.Join(",", f.Rows)}" : "")).Order(StringComparer.Ordinal)];

    [Theory]
    [InlineData(300, 6, "'outcome' is 'fraud' in only 6 of 300 labelled rows (2.0 %); predicting the majority class alone scores 98.0 % accuracy")]
    [InlineData(100, 8, "'outcome' is 'fraud' in only 8 of 100 labelled rows (8.0 %)")] // a share above 5%, but too few rows for every split
    [InlineData(300, 30, null)]
    public void Inspect_RareLabelClass_ReportedOnceWithItsShare(int rows, int rare, string? expected)
    {
        var csv = "amount,outcome\n" + string.Concat(Enumerable.Range(0, rows).Select(i => $"{i * 1.5},{(i % (rows / rare) == 0 && i / (rows / rare) < rare ? "fraud" : "ok")}\n"));
        var (table, schema) = Read(csv, "outcome");
        var found = TableInspector.Inspect(table, schema).OfKind(TableInspectionKinds.ClassImbalance).ToList();
        if (expected is null) Assert.Empty(found);
        else Assert.StartsWith(expected, Assert.Single(found).Message);
    }

    [Fact]
    public void Inspect_ALongTailedAmount_IsJudgedOnALogScale_SoOnlyAUnitSlipIsAnOutlier()
    {
        // 2,000 log-normal amounts (median about 33, sigma 1.1): their raw far fences would flag a few percent of ordinary rows.
        var rng = new Random(5);
        var amounts = Enumerable.Range(0, 2000).Select(_ => Math.Round(Math.Exp(3.5 + 1.1 * PlantedTables.Normal(rng)), 2)).ToArray();
        string Csv() => "amount,label\n" + string.Concat(amounts.Select((a, i) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{a},{(i % 2 == 0 ? "a" : "b")}\n")));
        var (table, schema) = Read(Csv(), "label");
        Assert.Empty(TableInspector.Inspect(table, schema).OfKind(TableInspectionKinds.Outliers));

        // One amount entered in cents instead of units (x100, and x1000 in another) stands out on the log scale.
        amounts[700] = Math.Round(amounts.Max() * 100, 2);
        amounts[900] = Math.Round(amounts[900] * 1000 * 20, 2);
        (table, schema) = Read(Csv(), "label");
        var found = Assert.Single(TableInspector.Inspect(table, schema).OfKind(TableInspectionKinds.Outliers));
        Assert.Equal([701, 901], found.Rows.Order()); // row numbers count from 1
        Assert.Contains("judged on a log scale, the column being positive and right-skewed", found.Message);
    }

    [Fact]
    public void Inspect_ARepeatedKeyColumn_SuggestedAsTheGroupUnlessOneIsNamed()
    {
        // 150 customers with 2 to 5 visits each (523 rows); a plan with 2 values and a city with 40 values, most on one row.
        var sb = new System.Text.StringBuilder("customer,plan,city,spend,churned\n");
        int row = 0;
        for (int c = 0; c < 150; c++)
            for (int v = 0; v < 2 + c % 4; v++, row++)
                sb.Append(System.Globalization.CultureInfo.InvariantCulture, $"K{c:D3},{(c % 3 == 0 ? "basic" : "pro")},city{(row < 40 ? row : row % 5)},{row * 1.5},{(c % 2 == 0 ? "yes" : "no")}\n");
        var (table, schema) = Read(sb.ToString(), "churned");
        var found = Assert.Single(TableInspector.Inspect(table, schema).OfKind(TableInspectionKinds.GroupCandidate));
        Assert.Equal(["customer"], found.Columns);
        Assert.StartsWith("'customer' has 150 values, nearly each on several rows (2 to 5, median 3)", found.Message);
        Assert.Contains("--group-column customer", found.Message);
        Assert.Empty(TableInspector.Inspect(table, schema with { GroupColumn = "customer" }).OfKind(TableInspectionKinds.GroupCandidate));
        // Its values are not reported as rare categories to merge as well.
        Assert.DoesNotContain(TableInspector.Inspect(table, schema).OfKind(TableInspectionKinds.RareCategories), f => f.Columns.Contains("customer"));
    }

    [Fact]
    public void Inspect_RegressionLabel_NoClassImbalance()
    {
        var csv = "x,price\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i},{(i == 0 ? 1000 : i % 3)}\n"));
        var (table, _) = Read(csv, "price");
        var schema = TableRoles.Apply(table, "price") with { Task = TableTask.Regression };
        Assert.Empty(TableInspector.Inspect(table, schema).OfKind(TableInspectionKinds.ClassImbalance));
    }

    [Fact]
    public void CountLabelStats_RecognizeCountsOnly()
    {
        Assert.Equal(new CountLabelStats(4, 0.5, 3, 1), CountLabelStats.Of([0, 3, double.NaN, 0, 1]));
        Assert.Null(CountLabelStats.Of([0, 2.5, 1]));            // not whole numbers
        Assert.Null(CountLabelStats.Of([-1, 2, 1]));             // below 0
        Assert.Null(CountLabelStats.Of([0, 0]));                 // nothing to fit
        Assert.Null(CountLabelStats.Of([150_000, 240_000]));     // prices, not counts
    }

    [Fact]
    public void Inspect_ALabelOfCounts_SuggestsThePoissonLoss_ButPricesDoNot()
    {
        var csv = "x,units\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i % 7},{i % 5 * (i % 3)}\n"));
        var (table, _) = Read(csv, "units");
        var found = TableInspector.Inspect(table, TableRoles.Apply(table, "units") with { Task = TableTask.Regression }).OfKind(TableInspectionKinds.CountLabel).Single();
        Assert.Equal(["units"], found.Columns);
        Assert.Contains("whole numbers from 0 to 8", found.Message, StringComparison.Ordinal);
        Assert.Contains("--loss poisson", found.Message, StringComparison.Ordinal);

        var prices = "x,price\n" + string.Concat(Enumerable.Range(0, 100).Select(i => $"{i % 7},{100 + i * 2.5}\n"));
        var (priced, _) = Read(prices, "price");
        Assert.Empty(TableInspector.Inspect(priced, TableRoles.Apply(priced, "price") with { Task = TableTask.Regression }).OfKind(TableInspectionKinds.CountLabel));
    }

    [Fact]
    public void Inspect_PlantedProblems_ReportsExactlyThoseWithColumnsAndRows()
    {
        var (table, schema) = Read(PlantedTables.Problems(), "label");
        Assert.Equal(ColumnKind.Identifier, table["id"].Kind);
        var report = TableInspector.Inspect(table, schema);
        string[] expected =
        [
            "missing-values [bonus]",
            "constant-column [constant]",
            "near-constant-column [mostly_zero]",
            "duplicate-rows [age,bonus,city,color,flag,constant,mostly_zero,leak,label]",
            "label-conflict [label] rows 6,299",
            "leakage-suspect [leak]",
            "identifier-column [id]",
            "outliers [age] rows 50",
            "rare-categories [color] rows 77",
        ];
        Assert.Equal(expected.Order(StringComparer.Ordinal), Summary(report));
        Assert.Equal([5, 300], report.OfKind(TableInspectionKinds.DuplicateRows).Single().Rows);
        var missing = report.OfKind(TableInspectionKinds.MissingValues).Single();
        Assert.Equal(150, missing.RowCount);
        // Odd rows, but row 299 holds row 6's values and row 300 row 5's.
        Assert.Equal(Enumerable.Range(1, 300).Where(r => (r % 2 == 1 && r != 299) || r == 300), missing.Rows);
        Assert.Equal(0.5, report.Columns.Single(c => c.Name == "bonus").MissingRate);
        Assert.Contains("1 rare category ('magenta') in row 77; a model learns little from it: merge it, or check for typos.", report.OfKind(TableInspectionKinds.RareCategories).Single().Message);
    }

    [Fact]
    public void Inspect_TrainTestShiftPlanted_ReportsOnlyTheShiftedColumns()
    {
        var (table, schema) = Read(PlantedTables.Shift(), "label");
        var splits = new TableSplits([.. table.RowNumbers.Select(r => r % 5 == 0 ? ImageSplits.Test : ImageSplits.Train)], new int?[table.RowCount]);
        var report = TableInspector.Inspect(table, schema, splits);
        Assert.Equal(["distribution-shift [channel]", "distribution-shift [drift]"], Summary(report));
        Assert.Contains("KS D=", report.Findings.Single(f => f.Columns[0] == "drift").Message);
        Assert.Contains("'d' is 0.0", report.Findings.Single(f => f.Columns[0] == "channel").Message);
    }

    [Fact]
    public void Inspect_SameTableWithoutSplits_NoShiftFindings()
    {
        var (table, schema) = Read(PlantedTables.Shift(), "label");
        Assert.Empty(TableInspector.Inspect(table, schema).Findings);
    }

    [Fact]
    public void Inspect_RegressionLabelCopiedWithNoise_LeakageByCorrelation()
    {
        var rng = new Random(3);
        var y = Enumerable.Range(0, 200).Select(_ => PlantedTables.Normal(rng) * 10).ToArray();
        var table = new Table(
        [
            new NumericColumn("y", y),
            new NumericColumn("y_after", [.. y.Select(v => 2 * v + 0.01 * PlantedTables.Normal(rng))]),
            new NumericColumn("noise", [.. y.Select(_ => PlantedTables.Normal(rng))]),
        ]);
        var report = TableInspector.Inspect(table, TableRoles.Apply(table, "y", TableTask.Regression));
        var leak = Assert.Single(report.Findings);
        Assert.Equal((TableInspectionKinds.LeakageSuspect, "y_after"), (leak.Kind, leak.Columns[0]));
    }

    [Fact]
    public void Inspect_MissingLabels_ReportedAsMissingLabelWithRows()
    {
        var table = new Table([new NumericColumn("x", [.. Enumerable.Range(0, 30).Select(i => i * 1.5)]),
            new StringColumn("y", ColumnKind.Categorical, [.. Enumerable.Range(0, 30).Select(i => i is 3 or 17 ? null : (i % 2 == 0 ? "a" : "b"))])]);
        var report = TableInspector.Inspect(table, TableRoles.Apply(table, "y"));
        var f = Assert.Single(report.Findings);
        Assert.Equal(TableInspectionKinds.MissingLabel, f.Kind);
        Assert.Equal([4, 18], f.Rows);
    }

    [Fact]
    public void ToJson_Report_HasCountsAndFindings()
    {
        var (table, schema) = Read(PlantedTables.Problems(), "label");
        var json = System.Text.Json.JsonDocument.Parse(TableInspector.Inspect(table, schema, dataset: "p@1").ToJson()).RootElement;
        Assert.Equal("p@1", json.GetProperty("dataset").GetString());
        Assert.Equal(1, json.GetProperty("counts").GetProperty("outliers").GetInt32());
        Assert.Equal(9, json.GetProperty("findings").GetArrayLength());
    }
}
