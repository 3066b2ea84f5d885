namespace Lepton.Data.Tables.Inspection;

/// <summary>A row a clean dropped: its row number, the finding kind and why.</summary>
public sealed record DroppedRow(int Row, string Kind, string Reason);

/// <summary>The cleaned table (the kept rows, in order), the positions kept, and what was dropped.</summary>
public sealed record TableCleanResult(Table Table, IReadOnlyList<int> Kept, IReadOnlyList<DroppedRow> Dropped);

/// <summary>
/// Drops the rows an inspection names, for the kinds asked: duplicate rows keep their first copy (lowest row number),
/// label conflicts drop every row of the conflicting group (which label is right is unknown), missing labels and
/// outliers drop the rows. Run the inspection with <see cref="TableInspectionOptions.MaxRowsPerFinding"/> large enough
/// to list every row (<see cref="InspectAndClean"/> does).
/// </summary>
public static class TableCleaner
{
    public static TableCleanResult Clean(Table table, TableInspectionReport report, IReadOnlySet<string> kinds)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(report);
        var position = new Dictionary<int, int>();
        for (int i = 0; i < table.RowCount; i++) position[table.RowNumbers[i]] = i;
        var dropped = new Dictionary<int, DroppedRow>();
        foreach (var f in report.Findings.Where(f => kinds.Contains(f.Kind)))
        {
            if (f.Rows.Count < f.RowCount)
                throw new InvalidOperationException($"A {f.Kind} finding lists {f.Rows.Count} of its {f.RowCount} rows; inspect with a larger MaxRowsPerFinding before cleaning.");
            var rows = f.Kind == TableInspectionKinds.DuplicateRows ? f.Rows.Order().Skip(1) : f.Rows;
            string reason = f.Kind switch
            {
                TableInspectionKinds.DuplicateRows => $"a copy of row {f.Rows.Min()}",
                TableInspectionKinds.LabelConflict => $"same features as rows {string.Join(", ", f.Rows.Order().Take(5))} with another label",
                TableInspectionKinds.MissingLabel => "no label",
                _ => f.Message,
            };
            foreach (int row in rows)
                if (position.ContainsKey(row)) dropped.TryAdd(row, new DroppedRow(row, f.Kind, reason));
        }
        var kept = Enumerable.Range(0, table.RowCount).Where(i => !dropped.ContainsKey(table.RowNumbers[i])).ToArray();
        return new TableCleanResult(table.Take(kept), kept, [.. dropped.Values.OrderBy(d => d.Row)]);
    }

    /// <summary>Inspects with every row listed, then cleans.</summary>
    public static TableCleanResult InspectAndClean(Table table, Schema.TableSchema schema, IReadOnlySet<string> kinds, Splits.TableSplits? splits = null)
    {
        var report = TableInspector.Inspect(table, schema, splits, new TableInspectionOptions(MaxRowsPerFinding: int.MaxValue));
        return Clean(table, report, kinds);
    }
}
