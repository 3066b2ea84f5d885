using Lepton.Data.Tables.Inspection;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;

namespace Lepton.Data.Tests.Tables;

/// <summary>Cleaning drops exactly the rows of the asked finding kinds and keeps row numbers.</summary>
public sealed class TableCleanerTests : IDisposable
{
    private readonly TableFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Clean_DuplicatesAndConflicts_DropsSecondCopyAndEveryConflictingRow()
    {
        var table = TableReader.Read(_files.Write("p.csv", PlantedTables.Problems()));
        var schema = TableRoles.Apply(table, "label");
        var result = TableCleaner.InspectAndClean(table, schema, TableInspectionKinds.ParseDroppable("duplicates,conflicts"));
        Assert.Equal([(6, "label-conflict"), (299, "label-conflict"), (300, "duplicate-rows")], result.Dropped.Select(d => (d.Row, d.Kind)));
        Assert.Equal(297, result.Table.RowCount);
        Assert.DoesNotContain(300, result.Table.RowNumbers);
        Assert.Contains(5, result.Table.RowNumbers);
        var again = TableInspector.Inspect(result.Table, schema);
        Assert.Empty(again.OfKind(TableInspectionKinds.DuplicateRows));
        Assert.Empty(again.OfKind(TableInspectionKinds.LabelConflict));
    }

    [Theory]
    [InlineData("constant-column", "concern whole columns")]
    [InlineData("typo", "Unknown finding kind 'typo'")]
    [InlineData(" , ", "No finding kinds")]
    public void ParseDroppable_NotARowKind_RefusedWithTheChoices(string list, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TableInspectionKinds.ParseDroppable(list));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ParseDroppable_All_IsDuplicatesConflictsAndMissingLabels()
    {
        Assert.Equal(["duplicate-rows", "label-conflict", "missing-label"], TableInspectionKinds.ParseDroppable("all").Order(StringComparer.Ordinal));
    }
}
