using Lepton.Data.Tables;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tests.Tables;

/// <summary>Two versions of a table compared: rows by content (order and duplicates as a multiset), edits paired by an id, columns, kinds, roles and splits.</summary>
public sealed class TableDiffTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static string Rows(int n, Func<int, string> row) => string.Concat(Enumerable.Range(0, n).Select(i => row(i) + "\n"));

    private (Table Table, TableSchema Schema) Read(string name, string csv, string label)
    {
        var table = TableReader.Read(_files.Write(name, csv));
        return (table, TableRoles.Apply(table, label));
    }

    [Fact]
    public void Compare_ReorderedRowsAndADroppedDuplicate_OneRemovedNothingElse()
    {
        string header = "id,x,y\n";
        var (a, sa) = Read("a.csv", header + Rows(30, i => $"r{i},{i},{i % 2}") + "r0,0,0\n", "y");
        var (b, sb) = Read("b.csv", header + Rows(30, i => $"r{29 - i},{29 - i},{(29 - i) % 2}"), "y");
        var d = TableDiff.Compare(a, sa, null, b, sb, null);

        Assert.Equal((31, 30, 30, 1, 0, 0), (d.RowsFrom, d.RowsTo, d.Unchanged, d.Removed, d.Added, d.ChangedCount));
        Assert.Equal([31], d.RemovedRows); // the later copy is the one gone
        Assert.DoesNotContain(d.Statistics, s => s.Column == "x");
        Assert.False(d.IsEmpty);
    }

    [Fact]
    public void Compare_AnEditedRowWithAnId_IsOneChangedRowNamingItsCells()
    {
        string header = "id,x,city,y\n";
        var (a, sa) = Read("a.csv", header + Rows(30, i => $"r{i},{i},Paris,{i % 2}"), "y");
        var (b, sb) = Read("b.csv", header + Rows(30, i => i == 4 ? "r4,40,Lyon,0" : $"r{i},{i},Paris,{i % 2}") + "r99,1,Nice,1\n", "y");
        var d = TableDiff.Compare(a, sa, null, b, sb, null);

        Assert.Equal((29, 0, 1, 1), (d.Unchanged, d.Removed, d.Added, d.ChangedCount));
        Assert.Equal("id", d.MatchedBy);
        var changed = Assert.Single(d.Changed);
        Assert.Equal(("r4", 5, 5), (changed.Id, changed.FromRow, changed.ToRow));
        Assert.Equal([new CellChange("city", "Paris", "Lyon"), new CellChange("x", "4", "40")], changed.Cells);
        Assert.Equal([31], d.AddedRows);
    }

    [Fact]
    public void Compare_ColumnsKindsRolesAndSplits_Reported()
    {
        var (a, sa) = Read("a.csv", "id,x,y,old\n" + Rows(30, i => $"r{i},{i % 7}.5,{i % 2},z"), "y");
        var (b, sb) = Read("b.csv", "id,x,y,new\n" + Rows(30, i => $"r{i},v{i},{i % 2},z"), "y");
        var splits = new TableSplits([.. Enumerable.Range(0, 30).Select(i => i < 24 ? "train" : "test")], [.. Enumerable.Range(0, 30).Select(_ => (int?)null)]);
        var d = TableDiff.Compare(a, sa, null, b, sb with { GroupColumn = "id" }, splits);

        Assert.Equal(["new"], d.ColumnsAdded);
        Assert.Equal(["old"], d.ColumnsRemoved);
        Assert.Equal([new ColumnKindChange("x", "numeric", "identifier")], d.KindChanges);
        Assert.Equal([new ColumnRoleChange("group", null, "id")], d.RoleChanges);
        Assert.True(d.SplitsDiffer);
        Assert.Equal(24, d.SplitsTo!["train"]);
    }

    [Fact]
    public void Compare_SameTable_IsEmpty()
    {
        var (a, sa) = Read("a.csv", "id,x,y\n" + Rows(30, i => $"r{i},{i},{i % 2}"), "y");
        var d = TableDiff.Compare(a, sa, null, a, sa, null);
        Assert.True(d.IsEmpty);
        Assert.Equal(30, d.Unchanged);
    }
}
