using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Reading;
using Lepton.Data.Tables.Schema;
using Lepton.Data.Tables.Splits;
using Lepton.Registry.Datasets.Tables;

namespace Lepton.Factory.Recipes;

/// <summary>
/// <c>data:</c> of <c>source: table</c>: the label and the other roles, column kinds pinned in the recipe (<c>schema:</c> as a
/// mapping) or in a schema file, and either a published split column kept as it is or the split the data step makes:
/// <c>test</c>/<c>validation</c> shares, stratified for classification, whole groups on one side, time-ordered when a time column is named;
/// a CSV's <c>separator</c> when its header alone would mislead and its <c>encoding</c> when not UTF-8, an Excel workbook's <c>sheet</c>;
/// with a PostgreSQL URL as the path, the <c>query</c> whose rows are the table; the label's <c>lags</c> and <c>rolling</c> means by
/// <c>series</c>, added after the split.
/// </summary>
public sealed record RecipeTable(
    string LabelColumn,
    TableTask? Task = null,
    string? GroupColumn = null,
    string? TimeColumn = null,
    string? SplitColumn = null,
    TableSchema? Schema = null,
    double Test = 0.2,
    double Validation = 0,
    char? Separator = null,
    string? Sheet = null,
    string? Encoding = null)
{
    /// <summary>The SELECT whose rows are the table, when the path is a PostgreSQL URL.</summary>
    public string? Query { get; init; }

    /// <summary>Lag and rolling-mean features of the label the data step adds after the split (<c>lepton data lags</c>); null for none.</summary>
    public TableLagRequest? Lags { get; init; }

    /// <summary>How <c>lepton data import</c> would be told the same.</summary>
    public TableImportOptions ToImportOptions() =>
        new(LabelColumn, Task, GroupColumn, TimeColumn, Schema, Separator is null && Sheet is null && Encoding is null ? null : new TableReadOptions(Separator: Separator, Sheet: Sheet, Encoding: Encoding),
            SplitColumn: SplitColumn) { Query = Query };

    /// <summary>The split the data step records when the table has no split column; <paramref name="task"/> is the imported label's.</summary>
    public TableSplitOptions ToSplitOptions(TableTask? task, int seed) =>
        new(Test, Validation, Stratify: TimeColumn is null && task == TableTask.Classification, GroupColumn, TimeColumn, Seed: seed);

    /// <summary>A schema of pinned kinds, from the recipe's <c>schema:</c> mapping of column names to kind words.</summary>
    public static TableSchema Pinned(IEnumerable<(string Column, ColumnKind Kind)> kinds) => new([.. kinds.Select(k => new ColumnSpec(k.Column, k.Kind))]);
}
