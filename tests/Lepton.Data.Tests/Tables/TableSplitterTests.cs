using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tests.Tables;

/// <summary>Table splits: proportions, stratification, groups, time order, folds, and stability when rows are added.</summary>
public sealed class TableSplitterTests
{
    private static Table Make(int n, int offset = 0) => new(
    [
        new NumericColumn("x", [.. Enumerable.Range(offset, n).Select(i => i * 0.37)]),
        new StringColumn("y", ColumnKind.Categorical, [.. Enumerable.Range(offset, n).Select(i => i % 4 == 0 ? "rare" : "common")]),
        new StringColumn("g", ColumnKind.Categorical, [.. Enumerable.Range(offset, n).Select(i => $"g{i / 10}")]),
        new DateTimeColumn("t", [.. Enumerable.Range(offset, n).Select(i => (DateTime?)new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddHours((i * 7919) % n))]),
    ]);

    [Fact]
    public void Split_Plain_FractionsNearTargetsAndSeedChangesAssignment()
    {
        var s = TableSplitter.Split(Make(2000), new TableSplitOptions(Test: 0.2, Validation: 0.1));
        var c = s.Counts();
        Assert.InRange(c[ImageSplits.Test], 340, 460);
        Assert.InRange(c[ImageSplits.Validation], 150, 250);
        var other = TableSplitter.Split(Make(2000), new TableSplitOptions(Test: 0.2, Validation: 0.1, Seed: 1));
        Assert.NotEqual(s.Split, other.Split);
        Assert.Equal(s.Split, TableSplitter.Split(Make(2000), new TableSplitOptions(Test: 0.2, Validation: 0.1)).Split);
    }

    [Fact]
    public void Split_Stratified_ExactShareOfEveryLabelInTest()
    {
        var table = Make(1000);
        var s = TableSplitter.Split(table, new TableSplitOptions(Test: 0.2, Stratify: true), "y");
        var y = (StringColumn)table["y"];
        Assert.Equal(50, s.RowsOf(ImageSplits.Test).Count(r => y.Values[r] == "rare"));
        Assert.Equal(150, s.RowsOf(ImageSplits.Test).Count(r => y.Values[r] == "common"));
    }

    [Fact]
    public void Split_Grouped_EveryGroupOnOneSide()
    {
        var table = Make(1000);
        var s = TableSplitter.Split(table, new TableSplitOptions(Test: 0.3, GroupColumn: "g"));
        var g = (StringColumn)table["g"];
        foreach (var group in Enumerable.Range(0, 1000).GroupBy(r => g.Values[r]))
            Assert.Single(group.Select(r => s.Split[r]).Distinct());
        Assert.Contains(ImageSplits.Test, s.Split);
    }

    [Fact]
    public void Split_TimeOrdered_LatestRowsAreTestThenValidation()
    {
        var table = Make(100);
        var s = TableSplitter.Split(table, new TableSplitOptions(Test: 0.2, Validation: 0.1, TimeColumn: "t"));
        var t = ((DateTimeColumn)table["t"]).Values;
        var testTimes = s.RowsOf(ImageSplits.Test).Select(r => t[r]!.Value).ToList();
        var valTimes = s.RowsOf(ImageSplits.Validation).Select(r => t[r]!.Value).ToList();
        var trainTimes = s.RowsOf(ImageSplits.Train).Select(r => t[r]!.Value).ToList();
        Assert.Equal((20, 10, 70), (testTimes.Count, valTimes.Count, trainTimes.Count));
        Assert.True(trainTimes.Max() < valTimes.Min() && valTimes.Max() < testTimes.Min());
    }

    [Fact]
    public void Split_TimeOrderedWithFolds_RefusedWithTheReason()
    {
        var e = Assert.Throws<ArgumentException>(() => TableSplitter.Split(Make(50), new TableSplitOptions(TimeColumn: "t", Folds: 5)));
        Assert.Contains("time-ordered split", e.Message);
    }

    [Fact]
    public void Split_Folds_OnlyNonTestRowsGetOneOfK()
    {
        var s = TableSplitter.Split(Make(500), new TableSplitOptions(Test: 0.2, Folds: 5));
        for (int r = 0; r < 500; r++)
        {
            if (s.Split[r] == ImageSplits.Test) Assert.Null(s.Fold[r]);
            else Assert.InRange(s.Fold[r]!.Value, 0, 4);
        }
        Assert.Equal(5, s.Fold.Where(f => f is not null).Distinct().Count());
    }

    [Fact]
    public void Split_RowsAdded_OldRowsKeepTheirSide()
    {
        var small = Make(300).Select(["x", "y"]);
        var grown = new Table([.. small.Columns.Zip(Make(100, 300).Select(["x", "y"]).Columns, Concat)]);
        var before = TableSplitter.Split(small, new TableSplitOptions(Test: 0.25));
        var after = TableSplitter.Split(grown, new TableSplitOptions(Test: 0.25));
        Assert.Equal(before.Split, after.Split.Take(300));
    }

    [Fact]
    public void Split_IdenticalRows_SameSide()
    {
        var table = new Table([new NumericColumn("x", [.. Enumerable.Range(0, 200).Select(i => (double)(i % 50))])]);
        var s = TableSplitter.Split(table, new TableSplitOptions(Test: 0.5));
        for (int r = 50; r < 200; r++) Assert.Equal(s.Split[r % 50], s.Split[r]);
    }

    private static TableColumn Concat(TableColumn a, TableColumn b) => (a, b) switch
    {
        (NumericColumn x, NumericColumn y) => new NumericColumn(a.Name, [.. x.Values, .. y.Values]),
        (StringColumn x, StringColumn y) => new StringColumn(a.Name, a.Kind, [.. x.Values, .. y.Values]),
        (DateTimeColumn x, DateTimeColumn y) => new DateTimeColumn(a.Name, [.. x.Values, .. y.Values]),
        _ => throw new InvalidOperationException(),
    };
}
