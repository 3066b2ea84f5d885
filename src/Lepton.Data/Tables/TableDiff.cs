using System.Text;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;

namespace Lepton.Data.Tables;

/// <summary>A column whose kind differs between two versions.</summary>
public sealed record ColumnKindChange(string Column, string From, string To);

/// <summary>A role (label, group, time) held by another column, or by none, in the newer version.</summary>
public sealed record ColumnRoleChange(string Role, string? From, string? To);

/// <summary>A cell's value in the older and the newer version (null: missing).</summary>
public sealed record CellChange(string Column, string? From, string? To);

/// <summary>One row of the older version and one of the newer sharing an identifier value, with the cells that differ.</summary>
public sealed record ChangedRow(string Id, int FromRow, int ToRow, IReadOnlyList<CellChange> Cells);

/// <summary>A column's missing values, distinct values and (numbers) mean in each version, for the columns where one of them changed.</summary>
public sealed record ColumnStatisticsChange(string Column, int MissingFrom, int MissingTo, int DistinctFrom, int DistinctTo, double? MeanFrom, double? MeanTo);

/// <summary>
/// What changed from one table version to another (<see cref="TableDiff.Compare"/>). Rows are matched by content over the columns
/// both versions have, as a multiset (so reordering changes nothing and a duplicate removed counts once); a removed and an added
/// row that share the value of an identifier column are reported as one changed row. Row numbers are each version's imported
/// ones, at most <see cref="TableDiff.MaxRowsListed"/> listed per kind; the counts cover every row.
/// </summary>
public sealed record TableDiffReport(
    int RowsFrom,
    int RowsTo,
    int Unchanged,
    int Removed,
    int Added,
    IReadOnlyList<int> RemovedRows,
    IReadOnlyList<int> AddedRows,
    IReadOnlyList<ChangedRow> Changed,
    int ChangedCount,
    string? MatchedBy,
    IReadOnlyList<string> ColumnsAdded,
    IReadOnlyList<string> ColumnsRemoved,
    IReadOnlyList<ColumnKindChange> KindChanges,
    IReadOnlyList<ColumnRoleChange> RoleChanges,
    IReadOnlyList<ColumnStatisticsChange> Statistics,
    IReadOnlyDictionary<string, int>? SplitsFrom,
    IReadOnlyDictionary<string, int>? SplitsTo)
{
    public bool IsEmpty => Removed == 0 && Added == 0 && ChangedCount == 0 && ColumnsAdded.Count == 0 && ColumnsRemoved.Count == 0
        && KindChanges.Count == 0 && RoleChanges.Count == 0 && !SplitsDiffer;

    public bool SplitsDiffer => !(SplitsFrom ?? new Dictionary<string, int>()).OrderBy(kv => kv.Key, StringComparer.Ordinal)
        .SequenceEqual((SplitsTo ?? new Dictionary<string, int>()).OrderBy(kv => kv.Key, StringComparer.Ordinal));
}

/// <summary>Compares two versions of a table: columns, kinds, roles, rows (by content), per-column statistics and split sizes.</summary>
public static class TableDiff
{
    public const int MaxRowsListed = 1000;

    public static TableDiffReport Compare(Table from, TableSchema fromSchema, TableSplits? fromSplits, Table to, TableSchema toSchema, TableSplits? toSplits)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        ArgumentNullException.ThrowIfNull(fromSchema);
        ArgumentNullException.ThrowIfNull(toSchema);
        var common = from.ColumnNames.Where(to.HasColumn).Order(StringComparer.Ordinal).ToList();
        var added = to.ColumnNames.Where(n => !from.HasColumn(n)).ToList();
        var removed = from.ColumnNames.Where(n => !to.HasColumn(n)).ToList();
        var kinds = common.Where(n => from[n].Kind != to[n].Kind)
            .Select(n => new ColumnKindChange(n, ColumnKinds.Name(from[n].Kind), ColumnKinds.Name(to[n].Kind))).ToList();
        var roles = new List<ColumnRoleChange>();
        foreach (var (role, a, b) in new[] { ("label", fromSchema.LabelColumn, toSchema.LabelColumn), ("group", fromSchema.GroupColumn, toSchema.GroupColumn), ("time", fromSchema.TimeColumn, toSchema.TimeColumn) })
            if (a != b) roles.Add(new ColumnRoleChange(role, a, b));

        // Rows as multisets of their common cells: the older version's rows wait in queues a newer row takes one from.
        var waiting = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        for (int r = 0; r < from.RowCount; r++)
        {
            var key = RowKey(from, common, r);
            if (!waiting.TryGetValue(key, out var q)) waiting[key] = q = new Queue<int>();
            q.Enqueue(r);
        }
        var addedRows = new List<int>();
        int unchanged = 0;
        for (int r = 0; r < to.RowCount; r++)
        {
            if (waiting.TryGetValue(RowKey(to, common, r), out var q) && q.Count > 0) { q.Dequeue(); unchanged++; }
            else addedRows.Add(r);
        }
        var removedRows = waiting.Values.SelectMany(q => q).Order().ToList();

        // A removed and an added row with the same identifier are one row edited.
        string? id = common.FirstOrDefault(n => from[n].Kind == ColumnKind.Identifier && to[n].Kind == ColumnKind.Identifier);
        var changed = new List<ChangedRow>();
        if (id is not null && removedRows.Count > 0 && addedRows.Count > 0)
        {
            var removedById = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (int r in removedRows)
                if (from[id].Format(r) is { } v) removedById.TryAdd(v, r);
            var pairedFrom = new HashSet<int>();
            var pairedTo = new HashSet<int>();
            foreach (int r in addedRows)
            {
                if (to[id].Format(r) is not { } v || !removedById.Remove(v, out int old)) continue;
                changed.Add(new ChangedRow(v, from.RowNumbers[old], to.RowNumbers[r],
                    [.. common.Select(n => new CellChange(n, from[n].Display(old), to[n].Display(r))).Where(c => c.From != c.To)]));
                pairedFrom.Add(old);
                pairedTo.Add(r);
            }
            removedRows = [.. removedRows.Where(r => !pairedFrom.Contains(r))];
            addedRows = [.. addedRows.Where(r => !pairedTo.Contains(r))];
        }

        var statistics = new List<ColumnStatisticsChange>();
        foreach (var n in common)
        {
            var (a, b) = (from[n], to[n]);
            var s = new ColumnStatisticsChange(n, a.MissingCount(), b.MissingCount(), Inspection.TableInspector.ValueCounts(a).Count, Inspection.TableInspector.ValueCounts(b).Count, Mean(a), Mean(b));
            if (s.MissingFrom != s.MissingTo || s.DistinctFrom != s.DistinctTo || !Equal(s.MeanFrom, s.MeanTo)) statistics.Add(s);
        }
        return new TableDiffReport(from.RowCount, to.RowCount, unchanged, removedRows.Count, addedRows.Count,
            [.. removedRows.Take(MaxRowsListed).Select(r => from.RowNumbers[r])], [.. addedRows.Take(MaxRowsListed).Select(r => to.RowNumbers[r])],
            [.. changed.Take(MaxRowsListed)], changed.Count, id, added, removed, kinds, roles, statistics,
            fromSplits?.Counts(), toSplits?.Counts());
    }

    // The row's cells in the common columns, each length-prefixed so no value can imitate a boundary.
    private static string RowKey(Table table, List<string> columns, int row)
    {
        var sb = new StringBuilder();
        foreach (var n in columns)
        {
            var v = table[n].Format(row);
            if (v is null) sb.Append('-');
            else sb.Append(v.Length).Append(':').Append(v);
            sb.Append('|');
        }
        return sb.ToString();
    }

    private static double? Mean(TableColumn c)
    {
        if (c is not NumericColumn numeric) return null;
        double sum = 0;
        int n = 0;
        foreach (var v in numeric.Values) if (!double.IsNaN(v)) { sum += v; n++; }
        return n == 0 ? null : sum / n;
    }

    private static bool Equal(double? a, double? b) => a is null ? b is null : b is not null && Math.Abs(a.Value - b.Value) <= 1e-12 * Math.Max(1, Math.Abs(a.Value));
}
