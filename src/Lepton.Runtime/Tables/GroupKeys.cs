using System.Globalization;
using Lepton.Data.Tables.Inspection;

namespace Lepton.Runtime.Tables;

/// <summary>
/// The groups a column's values split rows into, to compare a model across them (<c>lepton eval --groups</c>, <c>lepton monitor
/// --groups</c>): a word or yes/no value is its own group (the 19 most frequent, the rest as "(other)"), a number is its own group
/// when the column takes at most <see cref="MaxDistinctNumbers"/> values, else its quartile ("Q2 (31–45)"); a missing value is "(missing)".
/// </summary>
public static class GroupKeys
{
    /// <summary>The most distinct values a numeric column may take to be grouped by value rather than by quartile.</summary>
    public const int MaxDistinctNumbers = 12;

    /// <summary>The most groups one column gives; rarer values share "(other)".</summary>
    public const int MaxGroups = 20;

    /// <summary>The key of a row whose value is missing.</summary>
    public const string Missing = "(missing)";

    /// <summary>The key the rarer values share when a column has more than <see cref="MaxGroups"/>.</summary>
    public const string Other = "(other)";

    /// <summary>
    /// One key per number (NaN: missing) and the keys' display order: by value, ascending, when there are at most
    /// <see cref="MaxDistinctNumbers"/> distinct values (formatted as <paramref name="format"/> does), else by quartile.
    /// </summary>
    public static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) OfNumbers(ReadOnlySpan<double> values, Func<double, string> format)
    {
        ArgumentNullException.ThrowIfNull(format);
        var distinct = new HashSet<double>();
        foreach (double v in values)
            if (!double.IsNaN(v) && distinct.Add(v) && distinct.Count > MaxDistinctNumbers) break;
        if (distinct.Count > MaxDistinctNumbers)
        {
            var quartiles = Quartiles(values, "0.##");
            return (quartiles, [.. quartiles.Distinct().OrderBy(k => k == Missing).ThenBy(k => k, StringComparer.Ordinal)]);
        }
        var keys = new string[values.Length];
        for (int i = 0; i < values.Length; i++) keys[i] = double.IsNaN(values[i]) ? Missing : format(values[i]);
        var order = distinct.Order().Select(format).ToList();
        if (keys.Contains(Missing)) order.Add(Missing);
        return (keys, order);
    }

    /// <summary>One key per word or yes/no value (null: missing), at most <see cref="MaxGroups"/> groups, ordered by size.</summary>
    public static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) OfWords(IReadOnlyList<string?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var keys = Bounded([.. values.Select(v => v ?? Missing)], MaxGroups);
        return (keys, [.. keys.GroupBy(k => k, StringComparer.Ordinal).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => g.Key)]);
    }

    /// <summary>The separator of an intersection's columns (<c>home+age</c>) and of its groups' names ("rent · Q1 (21–34)").</summary>
    public const char IntersectionSeparator = '+';

    /// <summary>The parts of a group column name: <c>home+age</c> is the intersection of home and age; <c>home</c> is itself.</summary>
    public static IReadOnlyList<string> Parts(string column) => column.Split(IntersectionSeparator, StringSplitOptions.TrimEntries);

    /// <summary>
    /// The intersection of several columns' groups: one key per row joining the row's key in each ("rent · Q1 (21–34)"), ordered by
    /// the first column's order, then the next's; a combination no row has is left out.
    /// </summary>
    public static (IReadOnlyList<string> Keys, IReadOnlyList<string> Order) Intersect(IReadOnlyList<(IReadOnlyList<string> Keys, IReadOnlyList<string> Order)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        if (parts.Count == 1) return parts[0];
        int rows = parts[0].Keys.Count;
        var keys = new string[rows];
        for (int r = 0; r < rows; r++) keys[r] = string.Join(" · ", parts.Select(p => p.Keys[r]));
        IEnumerable<string> order = [""];
        foreach (var p in parts) order = order.SelectMany(prefix => p.Order.Select(k => prefix.Length == 0 ? k : prefix + " · " + k));
        var present = keys.ToHashSet(StringComparer.Ordinal);
        return (keys, [.. order.Where(present.Contains)]);
    }

    /// <summary>
    /// <paramref name="keys"/> with all but the <paramref name="max"/> − 1 most frequent keys replaced by "(other)", so a column of
    /// many groups gives a readable table; unchanged when it has at most <paramref name="max"/> keys.
    /// </summary>
    public static IReadOnlyList<string> Bounded(IReadOnlyList<string> keys, int max)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        var counts = keys.GroupBy(k => k, StringComparer.Ordinal).Select(g => (g.Key, Count: g.Count())).ToList();
        if (counts.Count <= max) return keys;
        var kept = counts.OrderByDescending(c => c.Count).ThenBy(c => c.Key, StringComparer.Ordinal).Take(max - 1).Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        return [.. keys.Select(k => kept.Contains(k) ? k : Other)];
    }

    /// <summary>
    /// Each value's quartile of <paramref name="values"/>, named with its range ("Q2 (31–45)"); a value equal to a boundary goes to the
    /// lower quartile, a NaN to "(missing)". The quartiles are those of the values that are not NaN.
    /// </summary>
    public static string[] Quartiles(ReadOnlySpan<double> values, string format = "0.#")
    {
        var present = new List<double>(values.Length);
        foreach (double v in values) if (!double.IsNaN(v)) present.Add(v);
        var keys = new string[values.Length];
        if (present.Count == 0)
        {
            Array.Fill(keys, Missing);
            return keys;
        }
        present.Sort();
        double[] edges = [present[0], TableStatistics.Quantile(present, 0.25), TableStatistics.Quantile(present, 0.5), TableStatistics.Quantile(present, 0.75), present[^1]];
        var names = new string[4];
        for (int q = 0; q < 4; q++)
            names[q] = string.Create(CultureInfo.InvariantCulture, $"Q{q + 1} ({edges[q].ToString(format, CultureInfo.InvariantCulture)}–{edges[q + 1].ToString(format, CultureInfo.InvariantCulture)})");
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                keys[i] = Missing;
                continue;
            }
            int q = 0;
            while (q < 3 && values[i] > edges[q + 1]) q++;
            keys[i] = names[q];
        }
        return keys;
    }
}
