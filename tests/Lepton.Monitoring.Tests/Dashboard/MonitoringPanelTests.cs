using System.Text.RegularExpressions;
using Lepton.Monitoring.Dashboard;

namespace Lepton.Monitoring.Tests.Dashboard;

public sealed class MonitoringPanelTests
{
    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    private static readonly DateTimeOffset T0 = MonitoringStore.T0;

    private static TimelinePoint Point(int minute, long requests, double? accuracy, double? inputPsi, double? predictionPsi) =>
        new(T0.AddMinutes(minute), T0.AddMinutes(minute + 1), requests, 0, 5, accuracy is null ? 0 : 10, accuracy, inputPsi, predictionPsi);

    private static List<string> Paths(string html, string series) =>
        [.. Regex.Matches(html, $"<path class=\"series\" data-series=\"{series}\"[^>]* d=\"([^\"]*)\"").Select(m => m.Groups[1].Value)];

    [Fact]
    public void Render_DrawsAccuracyAndBothPsiSeries_WithTheThresholdLine()
    {
        var window = new MonitorWindow(T0, T0.AddMinutes(3));
        TimelinePoint[] points = [Point(0, 20, 0.9, 0.1, 0.05), Point(1, 20, null, 0.3, 0.05), Point(2, 20, 0.5, 0.25, 0.1)];
        string html = MonitoringPanel.Render("tiny", window, points, 0.2);

        // The bucket without labels breaks the accuracy line into two pieces.
        Assert.Equal(2, Paths(html, "live accuracy").Single().Split('M').Length - 1);
        Assert.Equal(3, Paths(html, "input PSI").Single().Split(' ').Count(t => t.StartsWith('M') || t.StartsWith('L')));
        Assert.Single(Paths(html, "prediction PSI"));
        Assert.Contains("<line class=\"threshold\"", html);
        Assert.Contains(">alert above 0.2</text>", html);
        Assert.Contains("60 predictions, 20 with feedback labels", html);
        Assert.Contains("latest live accuracy <strong>50.0%</strong>", html);
        Assert.Contains("latest input PSI <strong class=\"bad\">0.25</strong>", html);
        Assert.Contains(">12:01<", html);
    }

    [Fact]
    public void Render_ForARegressor_ChartsTheLiveMaeInsteadOfAccuracy()
    {
        var window = new MonitorWindow(T0, T0.AddMinutes(3));
        TimelinePoint[] points =
        [
            Point(0, 20, null, 0.1, null) with { Labels = 4, Mae = 1.25 },
            Point(1, 20, null, 0.1, null),
            Point(2, 20, null, 0.1, null) with { Labels = 2, Mae = 0.5 },
        ];
        string html = MonitoringPanel.Render("house", window, points, 0.2);

        Assert.Equal(2, Paths(html, "live MAE").Single().Split('M').Length - 1);
        Assert.Empty(Paths(html, "live accuracy"));
        Assert.Contains("Live error (mean absolute error from feedback)", html);
        Assert.Contains("60 predictions, 6 with feedback labels", html);
        Assert.Contains("latest live MAE <strong>0.5</strong>", html);
        Assert.DoesNotContain("latest live accuracy", html);
    }

    [Fact]
    public void Render_ForAClassifierWithProbabilities_DrawsTheMeanProbabilityAgainstTheObservedRate()
    {
        var window = new MonitorWindow(T0, T0.AddMinutes(2));
        // 10 labels at 30% mean probability with 10% observed, then 30 labels at 20% with 12%: pooled 22.5% against 11.5%.
        TimelinePoint[] points =
        [
            Point(0, 20, 0.9, 0.1, 0.05) with { Calibration = (0.3, 0.1) },
            Point(1, 20, 0.8, 0.1, 0.05) with { Labels = 30, Calibration = (0.2, 0.12) },
        ];
        string html = MonitoringPanel.Render("fraud", window, points, 0.2);

        Assert.Single(Paths(html, "mean probability"));
        Assert.Single(Paths(html, "observed rate"));
        Assert.Contains("Live accuracy and calibration (from feedback)", html);
        Assert.Contains("mean probability <strong class=\"bad\">22.5%</strong> against <strong>11.5%</strong> observed", html);
        // Without probabilities in the log (a model served before they were kept), the chart is accuracy alone.
        string plain = MonitoringPanel.Render("fraud", window, [Point(0, 20, 0.9, 0.1, 0.05)], 0.2);
        Assert.Empty(Paths(plain, "mean probability"));
        Assert.DoesNotContain("observed", plain);
    }

    [Fact]
    public void Render_ForAModelWithConformalAnswers_ChartsTheirCoverageAgainstTheLevel()
    {
        var window = new MonitorWindow(T0, T0.AddMinutes(3));
        TimelinePoint[] points =
        [
            Point(0, 20, null, 0.1, null) with { Labels = 40, Mae = 1.2, Coverage = (0.91, 0.9) },
            Point(1, 20, null, 0.1, null),
            Point(2, 20, null, 0.1, null) with { Labels = 40, Mae = 3.5, Coverage = (0.55, 0.9) },
        ];
        string html = MonitoringPanel.Render("prices", window, points, 0.2);
        Assert.Contains("Coverage of the conformal intervals or sets (from feedback)", html);
        Assert.Equal(2, Paths(html, "coverage").Single().Split('M').Length - 1); // two lone points: the bucket between has no labels
        Assert.Contains("level 90", html);
        Assert.DoesNotContain("Coverage of the conformal", MonitoringPanel.Render("prices", window, [Point(0, 20, null, 0.1, null) with { Labels = 4, Mae = 1 }], 0.2));
    }

    [Fact]
    public void Render_ForAWeightColumnModel_ChartsItsWeightedScore()
    {
        var window = new MonitorWindow(T0, T0.AddMinutes(2));
        var deviance = new LiveWeighted("exposure", 30) { Mae = 0.4, Rmse = 0.7, LossMetric = "Poisson deviance", LossValue = 0.71 };
        TimelinePoint[] points =
        [
            Point(0, 20, null, 0.1, null) with { Labels = 30, Mae = 0.5, Weighted = deviance },
            Point(1, 20, null, 0.1, null) with { Labels = 30, Mae = 0.6, Weighted = deviance with { LossValue = 0.93 } },
        ];
        string html = MonitoringPanel.Render("claims", window, points, 0.2);
        Assert.Contains("Live Poisson deviance, each row weighted by exposure (from feedback)", html);
        Assert.Single(Paths(html, "weighted Poisson deviance"));
        var churn = MonitoringPanel.Render("churn", window, [Point(0, 20, 0.8, 0.1, null) with { Labels = 5, Weighted = new LiveWeighted("value", 5) { Accuracy = 0.75 } }], 0.2);
        Assert.Contains("Live accuracy, each row weighted by value (from feedback)", churn);
        Assert.DoesNotContain("weighted by", MonitoringPanel.Render("prices", window, [Point(0, 20, null, 0.1, null) with { Labels = 4, Mae = 1 }], 0.2));
    }

    [Fact]
    public void Render_WithoutTraffic_SaysSo_WithTheNameEncoded()
    {
        string html = MonitoringPanel.Render("a<b", new MonitorWindow(T0, T0.AddHours(1)), [Point(0, 0, null, null, null)], 0.2);
        Assert.Equal("<p class=\"muted\">No predictions of a&lt;b were logged in the last 1h 0m.</p>", html);
    }

    [Fact]
    public async Task Panel_ReadsTheTimelineFromTheMonitor()
    {
        await using var store = await MonitoringStore.CreateAsync();
        // Version 1's reference means are 0..99; traffic with means around 400 drifts far past the threshold.
        var predictions = Enumerable.Range(0, 40).Select(i => MonitoringStore.Prediction($"p{i}", 1, T0.AddMinutes(i), 3, "cat", mean: 400 + i)).ToArray();
        await store.LogAsync(predictions);
        for (int i = 0; i < 10; i++) await store.LabelAsync($"p{i}", i % 2 == 0 ? "cat" : "dog", T0.AddMinutes(i));

        var panel = new MonitoringPanel(new ModelMonitor(store.Registry), new MonitoringPanelOptions(TimeSpan.FromHours(1), Buckets: 6, Order: 3),
            new FixedTime(T0.AddHours(1)));
        Assert.Equal(3, panel.Order);
        string html = await panel.RenderHtmlAsync(MonitoringStore.Model, CancellationToken.None);
        Assert.Contains("40 predictions, 10 with feedback labels", html);
        Assert.Single(Paths(html, "input PSI"));
        Assert.Single(Paths(html, "live accuracy"));
        Assert.Contains("class=\"bad\"", html);
        Assert.DoesNotContain("<script", html);
        Assert.Equal(10, new MonitoringPanel(new ModelMonitor(store.Registry), TimeSpan.FromMinutes(15)).Order);
    }
}
