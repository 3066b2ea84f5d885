using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// CSV columns are parsed as numbers while they are read; a column that needs its text after all (a cell that is not a number,
/// an identifier, a pinned kind) gets exactly the text a text-only read gives.
/// </summary>
public sealed class CsvNumberParsingTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Read_NumbersThenAWord_CategoricalWithEveryCellsText()
    {
        var rows = Enumerable.Range(0, 30).Select(i => $"{i % 3},{(i == 25 ? "many" : (i % 4).ToString("D2"))}");
        var t = TableReader.Read(_files.Csv("late.csv", "a,b", rows));
        Assert.Equal(ColumnKind.Numeric, t["a"].Kind);
        var b = Assert.IsType<StringColumn>(t["b"]);
        Assert.Equal(ColumnKind.Categorical, b.Kind);
        Assert.Equal("00", b.Values[0]);
        Assert.Equal("03", b.Values[3]);
        Assert.Equal("many", b.Values[25]);
    }

    [Fact]
    public void Read_ConsecutiveIntegers_IdentifierKeepsItsText()
    {
        var rows = Enumerable.Range(0, 25).Select(i => $"{i + 1:D3},{i % 2},NA");
        var t = TableReader.Read(_files.Csv("ids.csv", "row_no,flag,empty", rows));
        var id = Assert.IsType<StringColumn>(t["row_no"]);
        Assert.Equal(ColumnKind.Identifier, id.Kind);
        Assert.Equal("001", id.Values[0]);
        Assert.Equal("025", id.Values[24]);
        Assert.Equal(ColumnKind.Numeric, t["flag"].Kind);
        var empty = Assert.IsType<StringColumn>(t["empty"]);
        Assert.Equal(ColumnKind.Categorical, empty.Kind);
        Assert.All(empty.Values, Assert.Null);
    }

    [Fact]
    public void Read_PinnedKinds_NumericParsedAndOthersFromText()
    {
        var path = _files.Csv("pinned.csv", "code,score,on", ["01,1.50,1", "02,NA,0", "01,-0,1"]);
        var schema = new TableSchema([new ColumnSpec("code", ColumnKind.Categorical), new ColumnSpec("score", ColumnKind.Numeric), new ColumnSpec("on", ColumnKind.Boolean)]);
        var t = TableReader.Read(path, schema);
        Assert.Equal(["01", "02", "01"], Assert.IsType<StringColumn>(t["code"]).Values.AsEnumerable());
        var score = Assert.IsType<NumericColumn>(t["score"]).Values;
        Assert.Equal(1.5, score[0]);
        Assert.True(double.IsNaN(score[1]));
        Assert.True(double.IsNegative(score[2]));
        Assert.Equal(new bool?[] { true, false, true }, Assert.IsType<BooleanColumn>(t["on"]).Values);
    }

    [Fact]
    public void Read_PinnedNumericWithAWord_ErrorNamesTheRowAndValue()
    {
        var path = _files.Csv("bad.csv", "x,y", ["1,2", "3,four"]);
        var e = Assert.Throws<TableReadException>(() => TableReader.Read(path, new TableSchema([new ColumnSpec("y", ColumnKind.Numeric)])));
        Assert.Contains("line 3", e.Message);
        Assert.Contains("'four'", e.Message);
    }

    [Fact]
    public async Task Read_FolderWhoseSecondFileHasAWord_TextOfBothFiles()
    {
        _files.Write("parts/a.csv", "x,y\n1,10\n2,20\n");
        _files.Write("parts/b.csv", "x,y\n3,thirty\n4,40\n");
        var read = await TableReader.ReadAsync(_files.Path("parts"));
        Assert.Equal([1.0, 2.0, 3.0, 4.0], ((NumericColumn)read.Table["x"]).Values);
        Assert.Equal(["10", "20", "thirty", "40"], ((StringColumn)read.Table["y"]).Values.AsEnumerable());
    }
}
