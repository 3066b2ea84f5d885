using System.Globalization;
using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Features;

/// <summary>
/// What <see cref="TableLags.Add"/> derives: the numeric <paramref name="Target"/>'s value <paramref name="Lags"/> observations
/// earlier in the same series, and its mean over the <paramref name="Windows"/> observations before each row. A series is the rows
/// sharing the values of <paramref name="SeriesColumns"/> (none: the whole table), ordered by <paramref name="TimeColumn"/>.
/// </summary>
public sealed record LagOptions(string Target, IReadOnlyList<string> SeriesColumns, string TimeColumn, IReadOnlyList<int> Lags, IReadOnlyList<int> Windows)
{
    /// <summary>The longest lag or window: further back than this a table rarely has history for most rows.</summary>
    public const int MaxSpan = 1000;

    /// <summary>The most columns one derivation adds.</summary>
    public const int MaxColumns = 32;

    /// <summary>The names of the columns <see cref="TableLags.Add"/> adds, lags first.</summary>
    public IReadOnlyList<string> Columns() => [.. Lags.Select(k => TableLags.LagName(Target, k)), .. Windows.Select(w => TableLags.MeanName(Target, w))];

    /// <summary>As a version's manifest records it (<c>lags</c>), so its rows to forecast can be answered step by step.</summary>
    public System.Text.Json.Nodes.JsonObject ToJson() => new()
    {
        ["target"] = Target,
        ["by"] = new System.Text.Json.Nodes.JsonArray([.. SeriesColumns.Select(c => (System.Text.Json.Nodes.JsonNode)c)]),
        ["time"] = TimeColumn,
        ["lags"] = new System.Text.Json.Nodes.JsonArray([.. Lags.Select(k => (System.Text.Json.Nodes.JsonNode)k)]),
        ["windows"] = new System.Text.Json.Nodes.JsonArray([.. Windows.Select(w => (System.Text.Json.Nodes.JsonNode)w)]),
    };

    /// <summary>Reads <see cref="ToJson"/>'s object back; null when <paramref name="node"/> is not one.</summary>
    public static LagOptions? FromJson(System.Text.Json.Nodes.JsonNode? node)
    {
        if (node is not System.Text.Json.Nodes.JsonObject o) return null;
        try
        {
            return new LagOptions(o["target"]!.GetValue<string>(), [.. o["by"]!.AsArray().Select(v => v!.GetValue<string>())], o["time"]!.GetValue<string>(),
                [.. o["lags"]!.AsArray().Select(v => v!.GetValue<int>())], [.. o["windows"]!.AsArray().Select(v => v!.GetValue<int>())]);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or NullReferenceException)
        {
            return null;
        }
    }
}

/// <summary>
/// Lag and rolling-mean features of a table's target for forecasting: each row gets values of the target from strictly earlier rows
/// of its own series, so no row reads its own label (or a later one). <c>units_lag_7</c> is the value 7 observations before (missing
/// where the series has fewer, or that value is missing); <c>units_mean_28</c> the mean of the values present among the 28 before.
/// Lags count observations, not calendar steps: a series with gaps reads across them.
/// </summary>
public static class TableLags
{
    /// <summary>The name of the column of lag <paramref name="k"/> of <paramref name="target"/>.</summary>
    public static string LagName(string target, int k) => string.Create(CultureInfo.InvariantCulture, $"{target}_lag_{k}");

    /// <summary>The name of the column of the mean over <paramref name="window"/> earlier values of <paramref name="target"/>.</summary>
    public static string MeanName(string target, int window) => string.Create(CultureInfo.InvariantCulture, $"{target}_mean_{window}");

    /// <summary><paramref name="table"/> with the lag and rolling-mean columns added after its own, in the order asked (lags first).</summary>
    public static Table Add(Table table, LagOptions options)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(options);
        var target = Target(table, options.Target);
        Check(table, options);
        var order = SeriesOrder(table, options);
        int n = table.RowCount;
        var added = new List<TableColumn>();
        foreach (int k in options.Lags)
        {
            var values = new double[n];
            Array.Fill(values, double.NaN);
            foreach (var series in order)
                for (int p = k; p < series.Length; p++) values[series[p]] = target[series[p - k]];
            added.Add(new NumericColumn(LagName(options.Target, k), values));
        }
        foreach (int w in options.Windows)
        {
            var values = new double[n];
            Array.Fill(values, double.NaN);
            foreach (var series in order)
            {
                // A running sum and count over the w positions before p; missing values count in neither.
                double sum = 0;
                int present = 0;
                for (int p = 0; p < series.Length; p++)
                {
                    if (present > 0) values[series[p]] = sum / present;
                    double entering = target[series[p]];
                    if (!double.IsNaN(entering)) { sum += entering; present++; }
                    if (p - w >= 0 && target[series[p - w]] is var leaving && !double.IsNaN(leaving)) { sum -= leaving; present--; }
                }
            }
            added.Add(new NumericColumn(MeanName(options.Target, w), values));
        }
        return new Table([.. table.Columns, .. added], table.RowNumbers);
    }

    /// <summary>Each row's time as a number that orders them (a date-time's ticks), NaN where missing.</summary>
    internal static double[] Times(Table table, string column) => table[column] switch
    {
        DateTimeColumn dates => [.. dates.Values.Select(t => t is { } v ? (double)v.Ticks : double.NaN)],
        NumericColumn numbers => numbers.Values,
        var other => throw new ArgumentException($"The time column '{column}' is {ColumnKinds.Name(other.Kind)}; rows are ordered by a date-time or a number."),
    };

    // The target as numbers (a yes/no target as 0/1), NaN where missing.
    private static double[] Target(Table table, string column)
    {
        if (!table.TryGetColumn(column, out var c))
            throw new ArgumentException($"--target names '{column}', which the table does not have; its columns are {string.Join(", ", table.ColumnNames)}.");
        return c switch
        {
            NumericColumn numbers => numbers.Values,
            BooleanColumn flags => [.. flags.Values.Select(v => v is { } b ? (b ? 1.0 : 0.0) : double.NaN)],
            _ => throw new ArgumentException($"'{column}' is {ColumnKinds.Name(c.Kind)}; lags are taken of a number (or a yes/no column). Pin it numeric in lepton.yaml if it was read otherwise."),
        };
    }

    // The columns to add, checked: lags and windows in range and distinct, names free, the series and time columns present.
    private static void Check(Table table, LagOptions o)
    {
        if (o.Lags.Count + o.Windows.Count == 0) throw new ArgumentException("Give the lags to add (--lags 1,7,28) or the windows to average (--rolling 7,28).");
        if (o.Lags.Count + o.Windows.Count > LagOptions.MaxColumns)
            throw new ArgumentException($"{o.Lags.Count + o.Windows.Count} lag and rolling columns asked; at most {LagOptions.MaxColumns} at once.");
        foreach (int k in o.Lags)
            if (k is < 1 or > LagOptions.MaxSpan) throw new ArgumentException($"--lags {k}: a lag counts observations back, from 1 to {LagOptions.MaxSpan}.");
        foreach (int w in o.Windows)
            if (w is < 2 or > LagOptions.MaxSpan) throw new ArgumentException($"--rolling {w}: a window averages the observations before a row, from 2 to {LagOptions.MaxSpan}.");
        if (o.Lags.Distinct().Count() != o.Lags.Count || o.Windows.Distinct().Count() != o.Windows.Count)
            throw new ArgumentException("--lags and --rolling each name a number once.");
        foreach (var column in o.SeriesColumns.Append(o.TimeColumn))
            if (!table.HasColumn(column))
                throw new ArgumentException($"'{column}' is not a column of the table; its columns are {string.Join(", ", table.ColumnNames)}.");
        if (o.SeriesColumns.Contains(o.Target) || o.TimeColumn == o.Target)
            throw new ArgumentException($"'{o.Target}' is the target; a series (--by) and the time are other columns.");
        foreach (var name in o.Lags.Select(k => LagName(o.Target, k)).Concat(o.Windows.Select(w => MeanName(o.Target, w))))
            if (table.HasColumn(name))
                throw new ArgumentException($"The table has a column '{name}' already (derived before?); derive from the version without it, or ask for other lags.");
    }

    // Each series' row positions in time order; rows without a time are in no series (their features stay missing). Two rows of one
    // series at one time are refused: which came first is unknown.
    private static List<int[]> SeriesOrder(Table table, LagOptions o)
    {
        var time = table[o.TimeColumn];
        var times = Times(table, o.TimeColumn);
        double at(int r) => times[r];
        var series = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var key = new System.Text.StringBuilder();
        for (int r = 0; r < table.RowCount; r++)
        {
            if (double.IsNaN(at(r))) continue;
            key.Clear();
            foreach (var column in o.SeriesColumns) key.Append(table[column].Format(r)).Append('\u001f');
            string k = key.ToString();
            if (!series.TryGetValue(k, out var rows)) series[k] = rows = [];
            rows.Add(r);
        }
        var result = new List<int[]>(series.Count);
        foreach (var (k, rows) in series)
        {
            int[] ordered = [.. rows.OrderBy(at).ThenBy(r => r)];
            for (int p = 1; p < ordered.Length; p++)
                if (at(ordered[p]) == at(ordered[p - 1]))
                    throw new ArgumentException($"Rows {table.RowNumbers[ordered[p - 1]]} and {table.RowNumbers[ordered[p]]} are both at {time.Format(ordered[p])}" +
                                                $"{(o.SeriesColumns.Count == 0 ? "" : $" in the series {string.Join(", ", o.SeriesColumns.Select(c => $"{c}={table[c].Format(ordered[p])}"))}")}; " +
                                                $"lags need one row per series and time: name the columns that tell series apart with --by.");
            result.Add(ordered);
        }
        return result;
    }
}
