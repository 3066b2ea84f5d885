using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Reports.Statistics;

namespace Lepton.Reports.Tables;

/// <summary>
/// The groups a table column splits its rows into, to compare a model across them: a category's or yes/no value's own values
/// (the 19 most frequent, the rest as "(other)"), a number's own values when it takes at most <see cref="MaxDistinctNumbers"/>, else its
/// quartiles ("Q2 (31–45)"); a missing value is its own group, "(missing)".
/// </summary>
public static class TableGroups
{
    /// <summary>The most distinct values a numeric column may take to be grouped by value rather than by quartile.</summary>
    public const int MaxDistinctNumbers = 12;

    /// <summary>The most groups one column gives; rarer values share "(other)".</summary>
    public const int MaxGroups = 20;

    /// <summary>
    /// One group name per row of <paramref name="table"/> by <paramref name="column"/>, and the groups' display order (a number's in
    /// ascending order, a category's by size); a column that cannot group rows is refused by name.
    /// </summary>
    public static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) Keys(Table table, string column)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!table.TryGetColumn(column, out var c))
            throw new ArgumentException($"--groups names '{column}', which the data set does not have; its columns are {string.Join(", ", table.ColumnNames)}.");
        switch (c)
        {
            case NumericColumn n:
            {
                var distinct = new HashSet<double>();
                foreach (double v in n.Values)
                    if (!double.IsNaN(v) && distinct.Add(v) && distinct.Count > MaxDistinctNumbers) break;
                if (distinct.Count > MaxDistinctNumbers)
                {
                    var quartiles = Slices.QuartileKeys(n.Values, "0.##");
                    return (quartiles, [.. quartiles.Distinct().OrderBy(k => k == Slices.Missing).ThenBy(k => k, StringComparer.Ordinal)]);
                }
                var byValue = Enumerable.Range(0, n.Length).Select(r => n.IsMissing(r) ? Slices.Missing : n.Format(r) ?? Slices.Missing).ToList();
                var values = distinct.Order().Select(v => byValue[Array.IndexOf(n.Values, v)]).ToList();
                if (byValue.Contains(Slices.Missing)) values.Add(Slices.Missing);
                return (byValue, values);
            }
            case { Kind: ColumnKind.Categorical or ColumnKind.Boolean }:
            {
                var keys = Slices.Bounded([.. Enumerable.Range(0, c.Length).Select(r => c.IsMissing(r) ? Slices.Missing : c.Format(r) ?? Slices.Missing)], MaxGroups);
                return (keys, [.. keys.GroupBy(k => k, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key)]);
            }
            default:
                throw new ArgumentException($"--groups cannot group rows by '{column}', a column of kind {ColumnKinds.Name(c.Kind)}: name a categorical, yes/no or numeric column " +
                                            "(a number is grouped by its quartiles when it takes more than " + MaxDistinctNumbers + " values).");
        }
    }
}
