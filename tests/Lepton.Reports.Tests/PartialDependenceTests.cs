using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Registry.Datasets.Tables;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Reports.Tests;

/// <summary>
/// Partial dependence of a three-class table model: one curve per class whose probabilities sum to 1 at every value, the class
/// that high values of x favour rising along it, a categorical column swept over its most frequent values, and the rows' spread.
/// </summary>
public sealed class PartialDependenceTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-pd-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // band = low below x = 30, high above x = 70, mid between; colour is noise; when missing, x is left out of the row.
    private static TableDatasetVersion Version()
    {
        var rng = new Random(4);
        const int n = 600;
        var x = new double[n];
        var colour = new string?[n];
        var band = new string?[n];
        var split = new string[n];
        string[] colours = ["red", "green", "blue", "grey"];
        for (int i = 0; i < n; i++)
        {
            x[i] = Math.Round(rng.NextDouble() * 100, 1);
            colour[i] = colours[rng.Next(i % 7 == 0 ? 4 : 3)];
            band[i] = x[i] < 30 ? "low" : x[i] > 70 ? "high" : "mid";
            split[i] = i % 4 == 0 ? "test" : "train";
        }
        var table = new Table([new NumericColumn("x", x), new StringColumn("colour", ColumnKind.Categorical, colour), new StringColumn("band", ColumnKind.Categorical, band)]);
        return TableVersions.Make("bands", table, "band", split);
    }

    [Fact]
    public void AThreeClassModel_GetsACurvePerClass_ThatSumToOne_AndFollowTheRule()
    {
        var version = Version();
        string folder = Path.Combine(_root, "gbdt");
        TabularTraining.Run(version, new TabularRecipe("bands@1", "gbdt", Seed: 1, Threads: 1), folder);
        using var predictor = PredictorLoader.Default.Load(folder);
        var encoder = TableInputEncoder.TryLoad(folder, predictor.Signature)!;
        var rows = Enumerable.Range(0, version.Table.RowCount)
            .Select(r => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["x"] = version.Table["x"].GetValue(r), ["colour"] = version.Table["colour"].GetValue(r) })
            .ToList();
        var curves = PartialDependence.Compute(predictor, encoder, rows, ["x", "colour", "nowhere"], seed: 3);

        Assert.Equal(["x", "colour"], curves.Select(c => c.Column));
        var x = curves[0];
        Assert.Equal(PartialDependence.MaxRows, x.Rows);
        Assert.Equal(PartialDependence.MaxPoints, x.Grid!.Count);
        Assert.Equal(x.Grid.Order(), x.Grid);
        Assert.Equal(predictor.Signature.ClassNames.Select(c => $"probability of '{c}'"), x.Outputs);
        for (int p = 0; p < x.Grid.Count; p++)
        {
            Assert.Equal(1, x.Outputs.Select((_, k) => x.Average[k][p]).Sum(), 9);
            for (int k = 0; k < x.Outputs.Count; k++) Assert.InRange(x.Average[k][p], x.Low[k][p] - 1e-12, x.High[k][p] + 1e-12);
        }
        int high = predictor.Signature.ClassNames.ToList().IndexOf("high"), low = predictor.Signature.ClassNames.ToList().IndexOf("low");
        Assert.True(x.Average[high][^1] > 0.9 && x.Average[high][0] < 0.1, string.Join(", ", x.Average[high]));
        Assert.True(x.Average[low][0] > 0.9 && x.Average[low][^1] < 0.1, string.Join(", ", x.Average[low]));
        Assert.Null(x.Held);

        // The colour is noise: its three frequent values first (grey is rare), each answering about alike.
        var colour = curves[1];
        Assert.Null(colour.Grid);
        Assert.Equal(["blue", "green", "red", "grey"], colour.Labels.Take(3).Order().Append(colour.Labels[3]));
        Assert.Equal(0, colour.Direction);
    }

    [Fact]
    public void ADateTimeColumn_IsSweptOverItsPercentiles_AsDates_FromTimesOrFromSecondsSince1970()
    {
        var days = Enumerable.Range(0, 200).Select(d => new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(d)).ToList();
        var fromTimes = PartialDependence.Sweep(days.Cast<object?>().Append(null), Lepton.Data.Tables.Columns.ColumnKind.DateTime);
        var fromSeconds = PartialDependence.Sweep(days.Select(d => (object?)(d - DateTime.UnixEpoch).TotalSeconds), Lepton.Data.Tables.Columns.ColumnKind.DateTime);
        Assert.Equal(PartialDependence.MaxPoints, fromTimes.Values.Count);
        Assert.Equal(fromTimes.Grid, fromSeconds.Grid);
        Assert.Equal(fromTimes.Labels, fromSeconds.Labels);
        Assert.Equal(fromTimes.Grid!.Order(), fromTimes.Grid);
        // The 5th percentile of 200 days from 1 January 2024 is 9.95 days in; labels are the dates.
        Assert.Equal("2024-01-10", fromTimes.Labels[0]);
        Assert.IsType<DateTime>(fromTimes.Values[0]);
        Assert.True(PartialDependence.Sweepable(Lepton.Data.Tables.Columns.ColumnKind.DateTime));
        Assert.False(PartialDependence.Sweepable(Lepton.Data.Tables.Columns.ColumnKind.Text));
    }
}
