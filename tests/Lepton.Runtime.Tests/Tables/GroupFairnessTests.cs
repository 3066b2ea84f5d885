using System.Text.Json.Nodes;
using Lepton.Runtime.Tables;

namespace Lepton.Runtime.Tests.Tables;

/// <summary>
/// Group comparisons against scipy, scikit-learn and fairlearn's definitions (Fixtures/fairness.json, from
/// tools/fixtures/runtime_fairness.py), and the rules the fixture does not reach: small groups are shown but not judged, gaps need two groups.
/// </summary>
public sealed class GroupFairnessTests
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "fairness.json")))!;

    private static T[] Array<T>(JsonNode node) => [.. node.AsArray().Select(v => v!.GetValue<T>())];

    [Fact]
    public void WilsonIntervalAndNormalQuantile_MatchScipy()
    {
        foreach (var row in Fixture["wilson"]!.AsArray())
        {
            var (low, high) = GroupFairness.Wilson(row!["k"]!.GetValue<int>(), row["n"]!.GetValue<int>(), row["level"]!.GetValue<double>());
            Assert.Equal(row["low"]!.GetValue<double>(), low, 10);
            Assert.Equal(row["high"]!.GetValue<double>(), high, 10);
        }
        foreach (var row in Fixture["normal_quantiles"]!.AsArray())
            Assert.Equal(row!["z"]!.GetValue<double>(), GroupFairness.NormalQuantile(row["p"]!.GetValue<double>()), 10);
        Assert.Throws<ArgumentOutOfRangeException>(() => GroupFairness.NormalQuantile(1));
        Assert.True(double.IsNaN(GroupFairness.Wilson(0, 0, 0.95).Low));
    }

    [Fact]
    public void Decisions_MatchScikitLearnCountsScipyChiSquareAndFairlearnGaps()
    {
        var d = Fixture["decisions"]!;
        var result = GroupFairness.Decisions("region", "yes", Array<string>(d["groups"]!), Array<bool>(d["selected"]!), Array<bool>(d["positive"]!), d["min_rows"]!.GetValue<int>(),
            scores: Array<double>(d["scores"]!));
        var expected = d["per_group"]!.AsArray();
        Assert.Equal(["north", "south", "east", "tiny"], result.Groups.Select(g => g.Name)); // by size
        foreach (var e in expected)
        {
            var g = result.Groups.Single(x => x.Name == e!["group"]!.GetValue<string>());
            Assert.Equal(e!["rows"]!.GetValue<int>(), g.Rows);
            Assert.Equal(e["positives"]!.GetValue<int>(), g.Positives);
            Assert.Equal(e["selected"]!.GetValue<int>(), g.Selected);
            Assert.Equal(e["true_positives"]!.GetValue<int>(), g.TruePositives);
            Assert.Equal(e["selection_rate"]!.GetValue<double>(), g.SelectionRate, 12);
            Assert.Equal(e["true_positive_rate"]!.GetValue<double>(), g.TruePositiveRate, 12);
            Assert.Equal(e["false_positive_rate"]!.GetValue<double>(), g.FalsePositiveRate, 12);
            Assert.Equal(e["accuracy"]!.GetValue<double>(), g.Accuracy, 12);
            Assert.Equal(e["mean_score"]!.GetValue<double>(), g.MeanScore, 12);
            Assert.InRange(g.SelectionRate, g.SelectionLow, g.SelectionHigh);
        }
        // "tiny" (17 rows) is shown but left out of every gap, as the fixture leaves it out.
        Assert.Equal(3, result.Judged.Count);
        Assert.Equal(d["selection_ratio"]!.GetValue<double>(), result.SelectionRatio, 12);
        Assert.Equal(d["parity_difference"]!.GetValue<double>(), result.ParityDifference, 12);
        Assert.Equal(d["opportunity_difference"]!.GetValue<double>(), result.OpportunityDifference, 12);
        Assert.Equal(d["odds_difference"]!.GetValue<double>(), result.OddsDifference, 12);
        Assert.Equal(d["calibration_gap"]!.GetValue<double>(), result.CalibrationGap, 12);
        double p = d["p_value"]!.GetValue<double>();
        Assert.True(Math.Abs(result.SelectionPValue - p) <= 1e-9 * p, $"p = {result.SelectionPValue:R}, scipy {p:R}");
        Assert.True(result.FailsFourFifths); // 0.634: the north is selected far more often
    }

    [Fact]
    public void Errors_MatchNumpyPerGroupBiasIntervalsAndGaps()
    {
        var d = Fixture["errors"]!;
        var result = GroupFairness.Errors("region", Array<string>(d["groups"]!), Array<double>(d["predicted"]!), Array<double>(d["labels"]!), d["min_rows"]!.GetValue<int>());
        foreach (var e in d["per_group"]!.AsArray())
        {
            var g = result.Groups.Single(x => x.Name == e!["group"]!.GetValue<string>());
            Assert.Equal(e!["rows"]!.GetValue<int>(), g.Rows);
            Assert.Equal(e["mean_label"]!.GetValue<double>(), g.MeanLabel, 10);
            Assert.Equal(e["mean_predicted"]!.GetValue<double>(), g.MeanPredicted, 10);
            Assert.Equal(e["bias"]!.GetValue<double>(), g.Bias, 10);
            Assert.Equal(e["bias_low"]!.GetValue<double>(), g.BiasLow, 9);
            Assert.Equal(e["bias_high"]!.GetValue<double>(), g.BiasHigh, 9);
            Assert.Equal(e["mae"]!.GetValue<double>(), g.Mae, 10);
            Assert.Equal(e["rmse"]!.GetValue<double>(), g.Rmse, 10);
        }
        Assert.Equal(d["bias_gap"]!.GetValue<double>(), result.BiasGap, 10);
        Assert.Equal(d["mae_ratio"]!.GetValue<double>(), result.MaeRatio, 10);
        // The east is over-predicted by ~3: its interval excludes 0, the north's does not.
        var east = result.Groups.Single(g => g.Name == "east");
        Assert.True(east.BiasLow > 0);
        var north = result.Groups.Single(g => g.Name == "north");
        Assert.InRange(0, north.BiasLow, north.BiasHigh);
    }

    [Fact]
    public void GroupsUnderTheMinimum_AreShownNotJudged_AndOneGroupHasNoGaps()
    {
        string[] keys = [.. Enumerable.Repeat("a", 40).Concat(Enumerable.Repeat("b", 10))];
        bool[] selected = [.. keys.Select((k, i) => k == "a" ? i % 2 == 0 : false)];
        bool[] positive = [.. keys.Select((_, i) => i % 3 == 0)];
        var result = GroupFairness.Decisions("g", "yes", keys, selected, positive);
        Assert.Equal(2, result.Groups.Count);
        Assert.Single(result.Judged);
        Assert.True(double.IsNaN(result.SelectionRatio));
        Assert.True(double.IsNaN(result.ParityDifference));
        Assert.True(double.IsNaN(result.SelectionPValue));
        Assert.False(result.FailsFourFifths);
        // With the minimum lowered, b (never selected) is judged and the ratio is 0.
        var lowered = GroupFairness.Decisions("g", "yes", keys, selected, positive, minRows: 5, order: ["b", "a"]);
        Assert.Equal(["b", "a"], lowered.Groups.Select(g => g.Name));
        Assert.Equal(0, lowered.SelectionRatio);
        Assert.True(lowered.FailsFourFifths);
        Assert.Throws<ArgumentException>(() => GroupFairness.Decisions("g", "yes", keys, selected.AsSpan(1), positive));
    }

    [Fact]
    public void Quartiles_NameRangesAndKeepMissingApart()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, double.NaN];
        var keys = GroupKeys.Quartiles(values);
        Assert.Equal("(missing)", keys[^1]);
        Assert.Equal(4, keys.Take(8).Distinct().Count());
        Assert.Equal(keys[0], keys[1]); // 1 and 2 lie in the first quartile [1, 2.75]
        Assert.StartsWith("Q1 (1–2.8)", keys[0], StringComparison.Ordinal);
        Assert.StartsWith("Q4 (", keys[7], StringComparison.Ordinal);
    }
}
