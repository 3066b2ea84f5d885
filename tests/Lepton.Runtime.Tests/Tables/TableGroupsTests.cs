using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Runtime.Tables;

namespace Lepton.Runtime.Tests.Tables;

/// <summary>How <c>--groups</c> splits a table's rows: categories by value (largest first), few numbers by value in order, many by quartile, text refused.</summary>
public sealed class TableGroupsTests
{
    private static Table Rows()
    {
        int n = 100;
        return new Table([
            new StringColumn("home", ColumnKind.Categorical, [.. Enumerable.Range(0, n).Select(i => i % 10 == 0 ? null : i % 3 == 0 ? "own" : "rent")]),
            new NumericColumn("children", [.. Enumerable.Range(0, n).Select(i => (double)(i % 3 == 2 ? 10 : i % 3))]),
            new NumericColumn("age", [.. Enumerable.Range(0, n).Select(i => 20.0 + i)]),
            new StringColumn("note", ColumnKind.Text, [.. Enumerable.Range(0, n).Select(i => $"note {i} about this applicant")]),
        ]);
    }

    [Fact]
    public void Categories_AreTheirValues_LargestFirst_WithMissingApart()
    {
        var (keys, order) = TableGroups.Keys(Rows(), "home");
        Assert.Equal(["rent", "own", "(missing)"], order);
        Assert.Equal("(missing)", keys[0]);
        Assert.Equal("own", keys[3]);
    }

    [Fact]
    public void FewNumbers_AreTheirValuesInOrder_ManyAreQuartiles()
    {
        var (keys, order) = TableGroups.Keys(Rows(), "children");
        Assert.Equal(["0", "1", "10"], order);
        Assert.Equal("10", keys[2]);
        (keys, order) = TableGroups.Keys(Rows(), "age");
        Assert.Equal(4, order.Count);
        Assert.StartsWith("Q1 (20–", order[0], StringComparison.Ordinal);
        Assert.Equal(25, keys.Count(k => k == order[0]));
    }

    [Fact]
    public void AnIntersection_JoinsEachRowsGroups_InTheColumnsOrders()
    {
        var (keys, order) = TableGroups.Keys(Rows(), "home+children");
        Assert.Equal("(missing) · 0", keys[0]);
        Assert.Equal("own · 0", keys[3]);
        // Only the combinations rows have, in home's order (by size) then children's (by value): renters have 1 or 10 children here, owners 0.
        Assert.Equal(["rent · 1", "rent · 10", "own · 0", "(missing) · 0", "(missing) · 1", "(missing) · 10"], order);
        Assert.Equal(100, keys.Count);
        var e = Assert.Throws<ArgumentException>(() => TableGroups.Keys(Rows(), "home+note"));
        Assert.Contains("'note', a column of kind text", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TextAndUnknownColumns_AreRefusedByName()
    {
        var e = Assert.Throws<ArgumentException>(() => TableGroups.Keys(Rows(), "note"));
        Assert.Contains("cannot group rows by 'note', a column of kind text", e.Message, StringComparison.Ordinal);
        e = Assert.Throws<ArgumentException>(() => TableGroups.Keys(Rows(), "region"));
        Assert.Contains("'region', which the data set does not have; its columns are home, children, age, note", e.Message, StringComparison.Ordinal);
    }
}
