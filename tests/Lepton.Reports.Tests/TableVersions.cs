using Lepton.Data.Tables;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.Store;

namespace Lepton.Reports.Tests;

/// <summary>Table data set versions made in memory for report tests: every column's kind as built, a label, each row's split.</summary>
internal static class TableVersions
{
    public static TableDatasetVersion Make(string name, Table table, string label, string[] split, string? group = null)
    {
        var schema = new TableSchema([.. table.Columns.Select(c => new ColumnSpec(c.Name, c.Kind))], label, TableTask.Classification, GroupColumn: group);
        var version = new DatasetVersion(name, 1, new string('a', 64), "{}", "{}", "{}", null, DateTimeOffset.UnixEpoch, "test");
        return new TableDatasetVersion(version, table, schema, new TableSplits(split, [.. Enumerable.Repeat<int?>(null, split.Length)]));
    }
}
