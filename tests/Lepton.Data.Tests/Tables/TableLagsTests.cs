using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Data.Tables.Features;

namespace Lepton.Data.Tests.Tables;

/// <summary>
/// Lag and rolling-mean features held equal to a plain search (each row looks up the earlier rows of its series by time), on
/// shuffled rows with gaps, missing targets and missing times; the refusals name the problem and the fix.
/// </summary>
public sealed class TableLagsTests
{
    // Three series of 40 days in shuffled row order, some days missing, some targets missing, one row without a date.
    private static Table Series(int seed)
    {
        var rng = new Random(seed);
        var rows = new List<(string Store, DateTime? Day, double Units)>();
        foreach (var store in new[] { "a", "b", "c" })
            for (int d = 0; d < 40; d++)
                if (rng.NextDouble() > 0.15)
                    rows.Add((store, new DateTime(2025, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(d), rng.NextDouble() < 0.1 ? double.NaN : rng.Next(0, 50)));
        rows.Add(("a", null, 3));
        rng.Shuffle(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(rows));
        return new Table([new StringColumn("store", ColumnKind.Categorical, [.. rows.Select(r => r.Store)]), new DateTimeColumn("day", [.. rows.Select(r => r.Day)]),
            new NumericColumn("units", [.. rows.Select(r => r.Units)])]);
    }

    // The plain search: the rows of the same store before this one in time, latest first.
    private static List<double> Before(Table t, int row)
    {
        var stores = (StringColumn)t["store"];
        var days = ((DateTimeColumn)t["day"]).Values;
        var units = ((NumericColumn)t["units"]).Values;
        if (days[row] is not { } day) return [];
        return [.. Enumerable.Range(0, t.RowCount).Where(r => stores.Format(r) == stores.Format(row) && days[r] is { } d && d < day)
            .OrderByDescending(r => days[r]).Select(r => units[r])];
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void LagsAndMeans_MatchThePlainSearch_UsingOnlyEarlierRowsOfTheSameSeries(int seed)
    {
        var table = Series(seed);
        var derived = TableLags.Add(table, new LagOptions("units", ["store"], "day", [1, 3], [2, 5]));
        Assert.Equal(["store", "day", "units", "units_lag_1", "units_lag_3", "units_mean_2", "units_mean_5"], derived.ColumnNames);
        for (int r = 0; r < table.RowCount; r++)
        {
            var before = Before(table, r);
            foreach (int k in new[] { 1, 3 })
            {
                double expected = before.Count >= k ? before[k - 1] : double.NaN;
                Assert.Equal(expected, ((NumericColumn)derived[$"units_lag_{k}"]).Values[r]);
            }
            foreach (int w in new[] { 2, 5 })
            {
                var window = before.Take(w).Where(v => !double.IsNaN(v)).ToList();
                double expected = window.Count > 0 ? window.Average() : double.NaN;
                Assert.Equal(expected, ((NumericColumn)derived[$"units_mean_{w}"]).Values[r], 12);
            }
        }
        Assert.Equal(table.RowNumbers, derived.RowNumbers);
    }

    [Fact]
    public void ARowToForecast_WithAnEmptyTarget_GetsItsFeaturesFromTheHistoryBeforeIt()
    {
        var table = new Table([new NumericColumn("t", [1, 2, 3, 4]), new NumericColumn("y", [10, 20, 30, double.NaN])]);
        var derived = TableLags.Add(table, new LagOptions("y", [], "t", [1, 2], [3]));
        Assert.Equal([double.NaN, 10, 20, 30], ((NumericColumn)derived["y_lag_1"]).Values);
        Assert.Equal([double.NaN, double.NaN, 10, 20], ((NumericColumn)derived["y_lag_2"]).Values);
        Assert.Equal([double.NaN, 10, 15, 20], ((NumericColumn)derived["y_mean_3"]).Values);
    }

    [Fact]
    public void AForecast_StepByStep_ReadsTheForecastsBeforeIt_WhereTheActualIsUnknown()
    {
        // Two series of 3 known days, then 3 to forecast; the "model" answers half of yesterday plus 1 (of the 2-day mean when
        // yesterday is missing), so each step's answer depends on the one before it.
        double nan = double.NaN;
        var table = TableLags.Add(new Table([new StringColumn("s", ColumnKind.Categorical, ["a", "a", "a", "a", "a", "a", "b", "b", "b", "b", "b", "b"]),
            new NumericColumn("t", [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6]),
            new NumericColumn("y", [2, 4, 6, nan, nan, nan, 10, 20, 30, nan, nan, nan])]), new LagOptions("y", ["s"], "t", [1], [2]));
        var lags = new LagOptions("y", ["s"], "t", [1], [2]);
        int calls = 0;
        var (forecast, steps) = TableForecast.Recursive(table, lags, [3, 4, 5, 9, 10, 11], rows =>
        {
            calls++;
            var lag = ((NumericColumn)rows["y_lag_1"]).Values;
            return [.. lag.Select(v => v / 2 + 1)];
        });
        Assert.Equal(3, calls); // one step per day to forecast
        // a: day 4 reads 6 -> 4; day 5 reads 4 -> 3; day 6 reads 3. b: 30 -> 16 -> 9.
        Assert.Equal([6, 4, 3, 30, 16, 9], ((NumericColumn)forecast["y_lag_1"]).Values);
        Assert.Equal([5, 5, 3.5, 25, 23, 12.5], ((NumericColumn)forecast["y_mean_2"]).Values);
        Assert.All(((NumericColumn)forecast["y"]).Values, v => Assert.True(double.IsNaN(v))); // the target stays unknown
        Assert.Equal([4, 5, 6, 4, 5, 6], ((NumericColumn)forecast["t"]).Values);
        Assert.Equal([1, 2, 3, 1, 2, 3], steps);
    }

    [Theory]
    [InlineData("price", "'price' is not a column of the table")]
    [InlineData("dup", "lags need one row per series and time: name the columns that tell series apart with --by")]
    [InlineData("lag0", "a lag counts observations back, from 1 to 1000")]
    [InlineData("window1", "a window averages the observations before a row, from 2 to 1000")]
    [InlineData("none", "Give the lags to add (--lags 1,7,28)")]
    [InlineData("text", "'store' is categorical; lags are taken of a number")]
    [InlineData("again", "has a column 'units_lag_1' already")]
    public void BadRequests_AreRefusedNamingTheFix(string what, string expected)
    {
        var table = Series(3);
        LagOptions o = new("units", ["store"], "day", [1], []);
        switch (what)
        {
            case "price": o = o with { SeriesColumns = ["price"] }; break;
            case "dup": o = o with { SeriesColumns = [] }; break; // every store's rows share the days
            case "lag0": o = o with { Lags = [0] }; break;
            case "window1": o = o with { Windows = [1] }; break;
            case "none": o = o with { Lags = [] }; break;
            case "text": o = o with { Target = "store", SeriesColumns = [] }; break;
            case "again": table = TableLags.Add(table, o); break;
        }
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => TableLags.Add(table, o)).Message);
    }
}
