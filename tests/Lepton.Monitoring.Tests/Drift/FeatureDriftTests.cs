using Lepton.Data.Profiles;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Columns;
using Lepton.Monitoring.Alerts;

namespace Lepton.Monitoring.Tests.Drift;

/// <summary>
/// Per-column drift of a table model: a table reference built from training rows, live rows drawn alike (no drift) or with one
/// column moved (a number shifted, a category mix changed, values gone missing), and the per-feature alert rules on top.
/// </summary>
public sealed class FeatureDriftTests
{
    private static readonly string[] Plans = ["basic", "pro", "team"];

    private static Table Training(int n, int seed)
    {
        var rng = new Random(seed);
        var income = new double[n];
        var plan = new string?[n];
        var joined = new DateTime?[n];
        for (int i = 0; i < n; i++)
        {
            income[i] = rng.NextDouble() < 0.1 ? double.NaN : 30 + rng.NextDouble() * 40;
            plan[i] = Plans[rng.Next(3)];
            joined[i] = new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(rng.Next(700));
        }
        return new Table([new NumericColumn("income", income), new StringColumn("plan", ColumnKind.Categorical, plan), new DateTimeColumn("joined", joined)]);
    }

    private static List<IReadOnlyDictionary<string, object?>> Live(int n, int seed, double shift = 0, string? onlyPlan = null, double missing = 0.1)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
        {
            ["income"] = rng.NextDouble() < missing ? null : 30 + rng.NextDouble() * 40 + shift,
            ["plan"] = onlyPlan ?? Plans[rng.Next(3)],
            ["joined"] = new DateTime(2022, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(rng.Next(700)).ToString("o"),
        })];
    }

    private static TableReferenceProfile Reference() => TableReferenceProfile.Build(Training(2000, 1), ["income", "plan", "joined"]);

    [Fact]
    public void RowsLikeTraining_DriftNowhere()
    {
        var drift = FeatureDriftCalculator.Columns(Reference(), Live(500, 2));
        Assert.Equal(["income", "plan", "joined"], drift.Select(d => d.Column));
        Assert.All(drift, d => Assert.True(d.Psi < 0.1, $"{d.Column}: PSI {d.Psi:F3}"));
        Assert.All(drift, d => Assert.True(d.MissingRateChange < 0.05, $"{d.Column}: missing {d.ReferenceMissingRate:F3} → {d.LiveMissingRate:F3}"));
        Assert.True(drift.Single(d => d.Column == "plan").ChiSquarePValue > 0.01);
        Assert.True(drift.Single(d => d.Column == "joined").KsPValue > 0.01);
    }

    [Fact]
    public void OneShiftedColumn_DriftsAlone()
    {
        var drift = FeatureDriftCalculator.Columns(Reference(), Live(500, 3, shift: 25)).ToDictionary(d => d.Column);
        Assert.True(drift["income"].Psi > 1, $"income PSI {drift["income"].Psi:F3}");
        Assert.True(drift["income"].KsStatistic > 0.5);
        Assert.True(drift["plan"].Psi < 0.1 && drift["joined"].Psi < 0.1);
    }

    [Fact]
    public void ACategoryMixChange_FailsTheChiSquareTest_AndMissingValuesShowAsMissingRate()
    {
        var drift = FeatureDriftCalculator.Columns(Reference(), Live(300, 4, onlyPlan: "team", missing: 0.6)).ToDictionary(d => d.Column);
        Assert.True(drift["plan"].Psi > 1, $"plan PSI {drift["plan"].Psi:F3}");
        Assert.True(drift["plan"].ChiSquarePValue < 1e-6);
        Assert.Null(drift["plan"].KsStatistic);
        Assert.InRange(drift["income"].MissingRateChange, 0.4, 0.6);
    }

    [Fact]
    public void FeatureRules_NameAColumnOrTheMax()
    {
        var features = FeatureDriftCalculator.Columns(Reference(), Live(500, 3, shift: 25));
        var report = new VersionReport("m", 1, 500, 1, 0, 0, 1, 1, 1, new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null,
            FeatureDrift: features);
        Assert.Equal(features.Single(f => f.Column == "income").Psi, AlertEvaluator.ValueOf(report, AlertRule.Parse("drift.psi.feature.INCOME > 0.2")));
        Assert.Equal(features.Max(f => f.KsStatistic), AlertEvaluator.ValueOf(report, AlertRule.Parse("drift.ks.feature.max > 0.2")));
        Assert.Equal(report.MaxInputPsi, AlertEvaluator.ValueOf(report, AlertRule.Parse("drift.psi > 0.2")));
        Assert.Null(AlertEvaluator.ValueOf(report, AlertRule.Parse("drift.psi.feature.nosuch > 0.2")));
        Assert.Throws<FormatException>(() => AlertRule.Parse("drift.psi.feature. > 0.2"));
    }

    [Fact]
    public void TheTimeColumn_DriftsAsShownButCountsNeitherInTheMaxNorInRulesOverEveryColumn()
    {
        // Live rows from the year after training, as every served table with a time column sees: only the time moved.
        var reference = TableReferenceProfile.Build(Training(2000, 1), ["income", "plan", "joined"], timeColumn: "joined");
        Assert.Equal([false, false, true], reference.Columns.Select(c => c.Time));
        var live = Live(500, 2);
        foreach (var row in live) ((Dictionary<string, object?>)row)["joined"] = DateTime.Parse((string)row["joined"]!, null, System.Globalization.DateTimeStyles.RoundtripKind).AddYears(2).ToString("o");
        var features = FeatureDriftCalculator.Columns(reference, live);
        var joined = features.Single(f => f.Column == "joined");
        Assert.True(joined.Time);
        Assert.True(joined.Psi > 1, $"joined PSI {joined.Psi:F3}");
        var report = new VersionReport("m", 1, 500, 1, 0, 0, 1, 1, 1, new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null,
            FeatureDrift: features);
        Assert.True(report.MaxInputPsi < 0.1, $"largest PSI {report.MaxInputPsi:F3}");
        Assert.True(AlertEvaluator.ValueOf(report, AlertRule.Parse("drift.psi.feature.max > 0.2")) < 0.1);
        Assert.Equal(joined.Psi, AlertEvaluator.ValueOf(report, AlertRule.Parse("drift.psi.feature.joined > 0.2")));
        // Prometheus gets every column; the time column's series says so, for rules over every column to leave it out.
        var text = new Lepton.Serving.Http.PrometheusText();
        var window = new MonitorWindow(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(15));
        AlertMetrics.Write(text, [new MonitorReport("m", window, report with { Version = null }, [report], [])], [], []);
        string metrics = text.ToString();
        Assert.Contains("lepton_feature_drift_psi{model=\"m\",version=\"1\",column=\"joined\",role=\"time\"}", metrics);
        Assert.Contains("lepton_feature_drift_psi{model=\"m\",version=\"1\",column=\"income\"}", metrics);
        // The same drift in a column that is not the time column counts.
        var plain = FeatureDriftCalculator.Columns(Reference(), live);
        Assert.False(plain.Single(f => f.Column == "joined").Time);
        Assert.True(new VersionReport("m", 1, 500, 1, 0, 0, 1, 1, 1, new Dictionary<string, double>(), new Dictionary<string, double>(), [], null, null,
            FeatureDrift: plain).MaxInputPsi > 1);
    }

    [Fact]
    public void AFreeTextColumn_DriftsWhenLiveTextsUseWordsTrainingDidNot()
    {
        // Training messages of 3-6 words from a vocabulary of 50; live ones alike, then with half their words new (a new topic).
        static string Message(Random rng, double novel) => string.Join(" ", Enumerable.Range(0, 3 + rng.Next(4))
            .Select(_ => rng.NextDouble() < novel ? $"new{rng.Next(50)}" : $"w{rng.Next(50)}"));
        var rng = new Random(9);
        var training = new Table([new StringColumn("message", ColumnKind.Text, [.. Enumerable.Range(0, 1000).Select(_ => (string?)Message(rng, 0))])]);
        var reference = TableReferenceProfile.Build(training, ["message"]);
        var profile = Assert.Single(reference.Columns);
        Assert.True(profile.IsNumeric);
        Assert.Equal(50, profile.Vocabulary!.Count);
        Assert.Equal(0.5, profile.Read("w1 W2 new3 new4").Number); // the share of its words common in training, case aside
        List<IReadOnlyDictionary<string, object?>> Live(double novel) =>
            [.. Enumerable.Range(0, 400).Select(_ => (IReadOnlyDictionary<string, object?>)new Dictionary<string, object?> { ["message"] = Message(rng, novel) })];
        var same = Assert.Single(FeatureDriftCalculator.Columns(reference, Live(0)));
        var topic = Assert.Single(FeatureDriftCalculator.Columns(reference, Live(0.5)));
        Assert.True(same.Psi < 0.1, $"PSI {same.Psi}");
        Assert.True(topic.Psi > 1, $"PSI {topic.Psi}");
        // The vocabulary travels in reference.json.
        string dir = Directory.CreateTempSubdirectory("lepton-text-reference").FullName;
        try
        {
            ReferenceProfile.ForTable(100, reference, [], [], []).Save(dir);
            Assert.Equal(profile.Vocabulary, ReferenceProfile.Load(dir)!.Table!.Columns[0].Vocabulary);
            Assert.Equal(0.5, ReferenceProfile.Load(dir)!.Table!.Columns[0].Read("w1 w2 new3 new4").Number);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void TheTableSection_SurvivesReferenceJson()
    {
        string dir = Directory.CreateTempSubdirectory("lepton-table-reference").FullName;
        try
        {
            var table = TableReferenceProfile.Build(Training(2000, 1), ["income", "plan", "joined"], timeColumn: "joined");
            ReferenceProfile.ForTable(100, table, ["no", "yes"], [60, 40], [55, 45]).Save(dir);
            var loaded = ReferenceProfile.Load(dir)!.Table!;
            Assert.Equal(table.Columns.Select(c => (c.Name, c.Kind, c.MissingRate, c.Time)), loaded.Columns.Select(c => (c.Name, c.Kind, c.MissingRate, c.Time)));
            Assert.Equal(table.Columns[1].Categories!.OrderBy(k => k.Key), loaded.Columns[1].Categories!.OrderBy(k => k.Key));
            Assert.Equal(table.Columns[0].Numbers!.CutPoints, loaded.Columns[0].Numbers!.CutPoints);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
