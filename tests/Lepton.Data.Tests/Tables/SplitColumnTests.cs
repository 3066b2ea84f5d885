using Lepton.Data.Images.Datasets;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tests.Tables;

/// <summary>A split pinned by a column: each row keeps the split it names, the column leaves the table, bad values are refused by row.</summary>
public sealed class SplitColumnTests
{
    private static Table Make(params string?[] split) => new(
    [
        new NumericColumn("x", [.. Enumerable.Range(0, split.Length).Select(i => i * 1.5)]),
        new StringColumn("part", ColumnKind.Categorical, split),
        new StringColumn("y", ColumnKind.Categorical, [.. Enumerable.Range(0, split.Length).Select(i => i % 2 == 0 ? "a" : "b")]),
    ]);

    [Fact]
    public void Extract_NamedSplits_EachRowKeepsItsSplitAndTheColumnIsDropped()
    {
        var (table, splits) = SplitColumn.Extract(Make("train", "TEST", " validation ", "train", "test"), "part");
        Assert.Equal(["x", "y"], table.ColumnNames);
        Assert.Equal([ImageSplits.Train, ImageSplits.Test, ImageSplits.Validation, ImageSplits.Train, ImageSplits.Test], splits.Split);
        Assert.Equal([0, 3], splits.RowsOf(ImageSplits.Train));
        Assert.All(splits.Fold, f => Assert.Null(f));
        Assert.Equal([1, 2, 3, 4, 5], table.RowNumbers);
    }

    [Fact]
    public void Extract_UnknownValue_ErrorNamesRowAndValue()
    {
        var e = Assert.Throws<ArgumentException>(() => SplitColumn.Extract(Make("train", "holdout", "test"), "part"));
        Assert.Contains("Row 2", e.Message);
        Assert.Contains("'holdout'", e.Message);
        Assert.Contains("train, validation or test", e.Message);
    }

    [Fact]
    public void Extract_MissingValue_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => SplitColumn.Extract(Make("train", null), "part"));
        Assert.Contains("Row 2", e.Message);
        Assert.Contains("nothing", e.Message);
    }

    [Fact]
    public void Extract_NoTrainRow_Refused()
    {
        var e = Assert.Throws<ArgumentException>(() => SplitColumn.Extract(Make("test", "validation"), "part"));
        Assert.Contains("no train row", e.Message);
    }

    [Fact]
    public void Extract_UnknownColumn_ErrorListsColumns()
    {
        var e = Assert.Throws<ArgumentException>(() => SplitColumn.Extract(Make("train"), "fold"));
        Assert.Contains("'fold' is not in the table", e.Message);
        Assert.Contains("'part'", e.Message);
    }
}
