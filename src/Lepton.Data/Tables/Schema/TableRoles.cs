using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Schema;

/// <summary>
/// Completes a table's schema with its roles: which column is the label (and the task), the group column and the time
/// column, each checked against the table. A task not given is inferred from the label: categorical or boolean →
/// classification; numbers → classification when they are integers with at most <see cref="MaxClassesForIntegerLabel"/>
/// distinct values, else regression.
/// </summary>
public static class TableRoles
{
    public const int MaxClassesForIntegerLabel = 20;

    /// <summary>The schema of <paramref name="table"/> with the roles given here, or else those of <paramref name="pinned"/>.</summary>
    public static TableSchema Apply(Table table, string? label = null, TableTask? task = null, string? group = null, string? time = null, TableSchema? pinned = null)
    {
        ArgumentNullException.ThrowIfNull(table);
        label ??= pinned?.LabelColumn;
        task ??= pinned?.Task;
        group ??= pinned?.GroupColumn;
        time ??= pinned?.TimeColumn;
        foreach (var (role, name) in new[] { ("label", label), ("group", group), ("time", time) })
            if (name is not null && !table.HasColumn(name))
                throw new ArgumentException($"The {role} column '{name}' is not in the table; its columns are {string.Join(", ", table.ColumnNames.Take(30).Select(n => $"'{n}'"))}.{ColumnNameSuggestion.For(name, table.ColumnNames)}");
        if (label is not null && (label == group || label == time))
            throw new ArgumentException($"'{label}' cannot be both the label and the {(label == group ? "group" : "time")} column.");
        if (label is null && task is not null)
            throw new ArgumentException($"--task {TableTasks.Name(task.Value)} needs a label column; give --label-column.");
        if (label is not null)
        {
            var c = table[label];
            if (c.Kind is ColumnKind.Identifier or ColumnKind.Text or ColumnKind.DateTime)
                throw new ArgumentException($"The label column '{label}' was read as {ColumnKinds.Name(c.Kind)}; a label is categorical, boolean or numeric. Pin its kind in a schema (e.g. \"{label}\": \"categorical\") if it was misread.");
            task ??= InferTask(c);
            if (task == TableTask.Regression && c.Kind != ColumnKind.Numeric)
                throw new ArgumentException($"Regression needs a numeric label, but '{label}' is {ColumnKinds.Name(c.Kind)}; use --task classification, or pin it numeric.");
        }
        if (time is not null && table[time].Kind is not (ColumnKind.DateTime or ColumnKind.Numeric))
            throw new ArgumentException($"The time column '{time}' is {ColumnKinds.Name(table[time].Kind)}; a time column holds ISO 8601 date-times or numbers.");
        return new TableSchema([.. table.Columns.Select(c => new ColumnSpec(c.Name, c.Kind))], label, task, group, time);
    }

    public static TableTask InferTask(TableColumn label)
    {
        if (label is not NumericColumn n) return TableTask.Classification;
        var distinct = new HashSet<double>();
        foreach (var v in n.Values)
        {
            if (double.IsNaN(v)) continue;
            if (v != Math.Floor(v)) return TableTask.Regression;
            if (distinct.Add(v) && distinct.Count > MaxClassesForIntegerLabel) return TableTask.Regression;
        }
        return TableTask.Classification;
    }
}
