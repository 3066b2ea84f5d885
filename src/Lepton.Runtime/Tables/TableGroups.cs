using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
namespace Lepton.Runtime.Tables;

/// <summary>
/// The groups a table column splits its rows into (<see cref="GroupKeys"/>'s rule: a category's or yes/no value's own values, a
/// number's own values or quartiles), or an intersection of columns (<c>home+age</c>); identifier, text and date-time columns cannot
/// group rows and are refused by name.
/// </summary>
public static class TableGroups
{
    /// <summary>
    /// One group name per row of <paramref name="table"/> by <paramref name="column"/>, and the groups' display order (a number's in
    /// ascending order, a category's by size); a column that cannot group rows is refused by name.
    /// </summary>
    /// <param name="option">The option that named the column, for errors (<c>--groups</c>, <c>--reweigh</c>).</param>
    public static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) Keys(Table table, string column, string option = "--groups")
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(column);
        // home+age: the intersection of each column's groups ("rent · Q1 (21–34)").
        var parts = GroupKeys.Parts(column);
        return parts.Count == 1 || table.HasColumn(column) ? Single(table, column, option) : GroupKeys.Intersect([.. parts.Select(p => Single(table, p, option))]);
    }

    private static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) Single(Table table, string column, string option)
    {
        if (!table.TryGetColumn(column, out var c))
            throw new ArgumentException($"{option} names '{column}', which the data set does not have; its columns are {string.Join(", ", table.ColumnNames)}.");
        return c switch
        {
            NumericColumn n => GroupKeys.OfNumbers(n.Values, v => Format(n, v)),
            { Kind: ColumnKind.Categorical or ColumnKind.Boolean } => GroupKeys.OfWords([.. Enumerable.Range(0, c.Length).Select(r => c.IsMissing(r) ? null : c.Format(r))]),
            _ => throw new ArgumentException($"{option} cannot group rows by '{column}', a column of kind {ColumnKinds.Name(c.Kind)}: name a categorical, yes/no or numeric column " +
                                             "(a number is grouped by its quartiles when it takes more than " + GroupKeys.MaxDistinctNumbers + " values)."),
        };
    }

    // A number as the column writes it (its first row holding that value), so a group reads as the data does.
    private static string Format(NumericColumn column, double value) => column.Format(Array.IndexOf(column.Values, value)) ?? GroupKeys.Missing;
}
