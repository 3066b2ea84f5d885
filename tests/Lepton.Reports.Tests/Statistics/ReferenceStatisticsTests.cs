using System.Text.Json.Nodes;
using Lepton.Reports.Statistics;

namespace Lepton.Reports.Tests.Statistics;

/// <summary>McNemar, erfc and the class curves against scipy and scikit-learn (Fixtures/statistics.json, from tools/fixtures/reports_statistics.py).</summary>
public sealed class ReferenceStatisticsTests
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "statistics.json")))!;

    [Fact]
    public void McNemar_MatchesScipy()
    {
        foreach (var row in Fixture["mcnemar"]!.AsArray())
        {
            int b = row!["b"]!.GetValue<int>(), c = row["c"]!.GetValue<int>();
            var result = McNemar.FromCounts(b, c);
            double expected = row["p"]!.GetValue<double>();
            Assert.Equal(row["exact"]!.GetValue<bool>(), result.Exact);
            Assert.Equal(row["statistic"]!.GetValue<double>(), result.Statistic, 12);
            Assert.True(Math.Abs(result.PValue - expected) <= 1e-10 * Math.Max(expected, 1e-300) + 1e-300, $"b={b}, c={c}: p = {result.PValue:R}, scipy {expected:R}");
        }
    }

    [Fact]
    public void Erfc_MatchesScipy()
    {
        foreach (var row in Fixture["erfc"]!.AsArray())
        {
            double x = row!["x"]!.GetValue<double>(), expected = row["erfc"]!.GetValue<double>();
            double actual = McNemar.Erfc(x);
            Assert.True(Math.Abs(actual - expected) <= 1e-12 * expected, $"erfc({x}) = {actual:R}, scipy {expected:R}");
        }
    }

    [Fact]
    public void ClassCurves_AucAndAveragePrecision_MatchScikitLearn()
    {
        var curves = Fixture["curves"]!;
        var labels = curves["labels"]!.AsArray().Select(v => v!.GetValue<int>()).ToArray();
        var probabilities = curves["probabilities"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var result = ClassCurves.OneVsRest(probabilities, labels, ["a", "b", "c"]);
        var auc = curves["auc"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        var ap = curves["average_precision"]!.AsArray().Select(v => v!.GetValue<double>()).ToArray();
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(auc[c], result[c].RocAuc, 12);
            Assert.Equal(ap[c], result[c].AveragePrecision, 12);
        }
    }
}
