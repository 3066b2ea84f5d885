using System.Globalization;
using Lepton.Monitoring.Alerts;
using Lepton.NN.Serialization;
using Lepton.Registry.Store;
using Lepton.Runtime.Tables;
using static Lepton.Monitoring.Tests.MonitoringStore;

namespace Lepton.Monitoring.Tests.Reports;

/// <summary>
/// <c>lepton monitor --groups</c>: a yes/no table model's logged answers across the groups of logged columns, a category by value and
/// a number by quartile, with the selection ratio the <c>selection_ratio</c> rule reads, per version and pooled.
/// </summary>
public class LiveGroupsTests
{
    private static readonly MonitorWindow Window = new(T0, T0.AddSeconds(1000));

    // 400 answers of version 1: renters get "yes" 1 time in 5, owners 3 times in 5; ages 20..59 spread over both.
    private static async Task<MonitoringStore> LoansAsync()
    {
        var store = await CreateAsync(withReference: false);
        await store.RegisterTaskModelAsync("loan", new TaskSpec(TaskKind.Binary), ["no", "yes"], 1);
        var records = Enumerable.Range(0, 400).Select(i =>
        {
            bool rent = i % 2 == 0;
            bool yes = rent ? i % 10 == 0 : i % 10 is 1 or 3 or 5;
            string label = yes ? "yes" : "no";
            string row = string.Create(CultureInfo.InvariantCulture, $$"""{"home":"{{(rent ? "rent" : "own")}}","age":{{20 + i % 40}}}""");
            return new PredictionRecord($"loan-{i}", "loan", 1, T0.AddSeconds(i), 1, label, Serving.Logging.LoggedRow.StatisticsJson,
                $$"""{"label":"{{label}}","version":"1"}""", row);
        }).ToArray();
        await store.LogAsync(records);
        return store;
    }

    [Fact]
    public async Task AnswersAcrossGroups_GiveEachGroupsSelectionRate_AndTheRuleReadsTheRatio()
    {
        await using var store = await LoansAsync();
        var rules = new[] { AlertRule.Parse("selection_ratio < 0.8") };
        var report = await new ModelMonitor(store.Registry).ReportAsync("loan", Window, rules, new GroupOptions(["home", "age", "region", "home+age"]));
        var home = report.Overall.Groups[0];
        Assert.Equal(("home", "yes"), (home.Column, home.Favorable));
        var byHome = home.Groups.ToDictionary(g => g.Group);
        Assert.Equal((200, 40, 0.2), (byHome["rent"].Requests, byHome["rent"].Selected, byHome["rent"].SelectionRate));
        Assert.Equal(0.6, byHome["own"].SelectionRate, 12);
        Assert.InRange(byHome["rent"].SelectionRate, byHome["rent"].SelectionLow, byHome["rent"].SelectionHigh);
        Assert.Equal(1.0 / 3, home.SelectionRatio!.Value, 12);
        Assert.True(home.FailsFourFifths);
        Assert.True(home.SelectionPValue < 1e-10);
        // A number of many values groups by quartile; a column no request carried leaves one "(missing)" group and no ratio.
        Assert.Equal(4, report.Overall.Groups[1].Groups.Count);
        Assert.StartsWith("Q1 (20–", report.Overall.Groups[1].Groups[0].Group, StringComparison.Ordinal);
        var region = report.Overall.Groups[2];
        Assert.Equal(["(missing)"], region.Groups.Select(g => g.Group));
        Assert.Null(region.SelectionRatio);
        // An intersection: each home by each age quartile, 8 groups.
        var both = report.Overall.Groups[3];
        Assert.Equal(8, both.Groups.Count);
        Assert.All(both.Groups, g => Assert.Contains(" · Q", g.Group, StringComparison.Ordinal));
        // The version's own figures, and the rule fires on it and on the pool.
        Assert.Equal(1.0 / 3, report.Versions.Single().Groups[0].SelectionRatio!.Value, 12);
        Assert.Equal(2, report.Alerts.Count);
        Assert.All(report.Alerts, a => Assert.Equal(1.0 / 3, a.Value, 12));
        // Without groups there is nothing for the rule to read: it does not fire.
        Assert.Empty((await new ModelMonitor(store.Registry).ReportAsync("loan", Window, rules)).Alerts);
    }

    [Fact]
    public async Task LabelledAnswers_GiveEachGroupsLiveTruePositiveRate_AndTheRuleReadsTheirGap()
    {
        await using var store = await LoansAsync();
        // Feedback on the first 200 answers: half of each group truly "yes"; the model gave it to 1 in 5 of those renters and 3 in 5 owners.
        for (int i = 0; i < 200; i++)
        {
            bool rent = i % 2 == 0;
            string truth = (rent ? i % 4 == 0 : i % 4 == 1) ? "yes" : "no";
            await store.Store.RecordFeedbackAsync(new FeedbackRecord($"loan-{i}", "loan", truth, T0.AddSeconds(500), "test"));
        }
        var rules = new[] { AlertRule.Parse("opportunity_difference > 0.2") };
        var report = await new ModelMonitor(store.Registry).ReportAsync("loan", Window, rules, new GroupOptions(["home"]));
        var home = report.Overall.Groups.Single();
        var byHome = home.Groups.ToDictionary(g => g.Group);
        Assert.Equal((100, 0.2), (byHome["rent"].Labels, byHome["rent"].TruePositiveRate!.Value), new Tolerance());
        Assert.Equal(0.6, byHome["own"].TruePositiveRate!.Value, 12);
        Assert.Equal(0.4, home.OpportunityDifference!.Value, 12);
        Assert.Equal(400, byHome.Values.Sum(g => g.Requests)); // the requests are still every answer, labelled or not
        Assert.Equal(2, report.Alerts.Count);
    }

    private sealed class Tolerance : IEqualityComparer<(int, double)>
    {
        public bool Equals((int, double) x, (int, double) y) => x.Item1 == y.Item1 && Math.Abs(x.Item2 - y.Item2) < 1e-12;

        public int GetHashCode((int, double) obj) => obj.Item1;
    }

    [Fact]
    public async Task GroupsOfAModelThatIsNotYesNo_OrAnUnknownClass_AreRefused()
    {
        await using var store = await LoansAsync();
        var monitor = new ModelMonitor(store.Registry);
        var e = await Assert.ThrowsAsync<ArgumentException>(() => monitor.ReportAsync("loan", Window, null, new GroupOptions(["home"], "maybe")));
        Assert.Contains("--favorable names 'maybe', which is not one of the model's classes ('no', 'yes')", e.Message, StringComparison.Ordinal);
        await store.LogLabelledAsync(Model, T0.AddSeconds(10), ("cat", "cat"));
        e = await Assert.ThrowsAsync<ArgumentException>(() => monitor.ReportAsync(Model, Window, null, new GroupOptions(["home"])));
        Assert.Contains("this model has 3 classes", e.Message, StringComparison.Ordinal);
    }
}
