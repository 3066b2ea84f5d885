using Lepton.Data.Tables.Columns;

namespace Lepton.Data.Tables.Features;

/// <summary>The rows forecast with their lag columns made from the forecasts before them, and each row's step: 1 for the earliest time forecast, 2 for the next, ...</summary>
public sealed record TableForecastRows(Table Rows, IReadOnlyList<int> Steps);

/// <summary>
/// Forecasts a lag version's rows without a target step by step: the rows of the earliest time to forecast are answered first, their
/// answers stand in for the targets they lack, and the next time's lags read them, so a week ahead reads yesterday's forecast where
/// the actual is not known yet (recursive forecasting) rather than a missing value.
/// </summary>
public static class TableForecast
{
    /// <summary>The most distinct times forecast at once (each is one pass over the table).</summary>
    public const int MaxSteps = 1000;

    /// <summary>
    /// The rows <paramref name="rows"/> of <paramref name="table"/> (which holds <paramref name="lags"/>' columns) with their lag and
    /// rolling-mean columns made again from the targets before them, forecasts filling the missing ones; <paramref name="predict"/>
    /// answers one value per row of a table of the same columns. The target column of the rows returned stays as it was.
    /// </summary>
    public static TableForecastRows Recursive(Table table, LagOptions lags, IReadOnlyList<int> rows, Func<Table, double[]> predict, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(lags);
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(predict);
        var added = lags.Columns();
        var source = table.Select(table.ColumnNames.Where(c => !added.Contains(c)));
        if (source[lags.Target] is not NumericColumn original)
            throw new ArgumentException($"'{lags.Target}' is {ColumnKinds.Name(source[lags.Target].Kind)}; forecasting step by step fills a number target with the model's values.");
        var times = TableLags.Times(source, lags.TimeColumn);
        // Rows without a time are in no series: their lags are missing whatever is filled, so they go in one last step.
        var steps = rows.GroupBy(r => double.IsNaN(times[r]) ? double.PositiveInfinity : times[r]).OrderBy(g => g.Key).Select(g => g.ToArray()).ToList();
        if (steps.Count > MaxSteps)
            throw new ArgumentException($"The rows to forecast span {steps.Count:N0} times; at most {MaxSteps:N0} are forecast at once, so forecast fewer (a shorter horizon).");
        var filled = (double[])original.Values.Clone();
        Table WithTarget(double[] target) =>
            TableLags.Add(new Table([.. source.Columns.Select(c => c.Name == lags.Target ? new NumericColumn(c.Name, target) : c)], source.RowNumbers), lags);
        Table derived = table;
        foreach (var step in steps)
        {
            ct.ThrowIfCancellationRequested();
            // Lag columns are computed when the table is made, from the targets filled so far (later fills do not change them).
            derived = WithTarget((double[])filled.Clone());
            var answers = predict(derived.Take(step));
            if (answers.Length != step.Length) throw new InvalidOperationException($"{answers.Length} forecasts for {step.Length} rows.");
            for (int i = 0; i < step.Length; i++)
                if (double.IsNaN(original.Values[step[i]])) filled[step[i]] = answers[i];
        }
        // The last step's table already holds every forecast row's features: each reads only rows before it, all filled before the last
        // step, as when it was answered. The target itself is given back as it was (missing), not as forecast.
        var final = derived;
        var stepOf = new Dictionary<int, int>();
        for (int s = 0; s < steps.Count; s++)
            foreach (int r in steps[s]) stepOf[r] = s + 1;
        return new TableForecastRows(new Table([.. final.Columns.Select(c => c.Name == lags.Target ? original : c)], final.RowNumbers).Take(rows),
            [.. rows.Select(r => stepOf[r])]);
    }
}
