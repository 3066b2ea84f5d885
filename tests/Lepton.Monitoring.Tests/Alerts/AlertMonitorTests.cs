using Lepton.Monitoring.Alerts;
using Lepton.Serving.Http;
using static Lepton.Monitoring.Tests.MonitoringStore;

namespace Lepton.Monitoring.Tests.Alerts;

public class AlertMonitorTests
{
    private static MonitoringOptions Options(params string[] rules) =>
        new(TimeSpan.FromMinutes(15), TimeSpan.FromMilliseconds(50), [.. rules.Select(AlertRule.Parse)]);

    /// <summary>100 requests to version 2 in the last minute whose input means (200+) lie far beyond the reference (0..99).</summary>
    private static Task LogShiftedTrafficAsync(MonitoringStore store)
    {
        var start = DateTimeOffset.UtcNow.AddSeconds(-60);
        return store.LogAsync([.. ReferenceMeans.Select((m, i) => Prediction($"p{i}", 2, start.AddSeconds(i * 0.5), 3, Classes[i % 3], mean: 200 + m))]);
    }

    [Fact]
    public async Task A_firing_rule_is_recorded_once_while_it_keeps_firing_and_shows_in_the_metrics()
    {
        await using var store = await CreateAsync();
        await LogShiftedTrafficAsync(store);
        await store.LabelAsync("p1", "dog", DateTimeOffset.UtcNow.AddSeconds(-1));
        await store.LabelAsync("p2", "cat", DateTimeOffset.UtcNow.AddSeconds(-1));
        await using var monitor = new AlertMonitor(new ModelMonitor(store.Registry), store.Store, [Model], Options("drift.psi > 0.2", "p99 > 1s"));

        var first = await monitor.CheckOnceAsync(CancellationToken.None);
        var second = await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Equal([2, null], first.Select(a => a.Version));
        Assert.Equal(2, second.Count);
        var events = await store.Store.ListAlertEventsAsync(Model);
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("drift.psi > 0.2", 0.2), (e.Rule, e.Threshold)));
        Assert.Contains(events, e => e.Version == 2 && e.Message.StartsWith("tiny@2: drift.psi is 8.28", StringComparison.Ordinal));

        var text = new PrometheusText();
        monitor.Write(text);
        string metrics = text.ToString();
        Assert.Contains("lepton_alert_firing{model=\"tiny\",rule=\"drift.psi > 0.2\"} 1\n", metrics);
        Assert.Contains("lepton_alert_firing{model=\"tiny\",rule=\"p99 > 1s\"} 0\n", metrics);
        Assert.Contains("lepton_drift_psi{model=\"tiny\",version=\"2\",statistic=\"mean\"} 8.28", metrics);
        Assert.Contains("lepton_drift_psi{model=\"tiny\",version=\"2\",statistic=\"std\"} 0\n", metrics);
        Assert.Contains("lepton_prediction_drift_psi{model=\"tiny\",version=\"2\"}", metrics);
        // p1 was a dog (right), p2 a bird labelled cat (wrong).
        Assert.Contains("lepton_live_accuracy{model=\"tiny\",version=\"2\"} 0.5\n", metrics);
        Assert.Contains("lepton_live_labels{model=\"tiny\",version=\"2\"} 2\n", metrics);
    }

    [Fact]
    public async Task A_rule_that_cleared_is_recorded_again_when_it_fires_again()
    {
        await using var store = await CreateAsync();
        await using var monitor = new AlertMonitor(new ModelMonitor(store.Registry), store.Store, [Model], Options("requests >= 1"));
        Assert.Empty(await monitor.CheckOnceAsync(CancellationToken.None));
        await store.LogAsync(Prediction("a", 1, DateTimeOffset.UtcNow.AddSeconds(-5), 1, "cat"));
        Assert.Equal(2, (await monitor.CheckOnceAsync(CancellationToken.None)).Count); // v1 and pooled
        Assert.Equal(2, (await store.Store.ListAlertEventsAsync(Model)).Count);
        await monitor.CheckOnceAsync(CancellationToken.None);
        Assert.Equal(2, (await store.Store.ListAlertEventsAsync(Model)).Count);
    }

    [Fact]
    public async Task Started_monitor_checks_in_the_background_until_disposed()
    {
        await using var store = await CreateAsync();
        await LogShiftedTrafficAsync(store);
        var monitor = new AlertMonitor(new ModelMonitor(store.Registry), store.Store, [Model], Options("drift.psi > 0.2"));
        monitor.Start();
        for (int i = 0; i < 200 && (await store.Store.ListAlertEventsAsync(Model)).Count == 0; i++) await Task.Delay(25);
        await monitor.DisposeAsync();
        await monitor.DisposeAsync(); // a second disposal is harmless
        Assert.Equal(2, (await store.Store.ListAlertEventsAsync(Model)).Count);
        Assert.Single(monitor.LastReports);
    }

    [Fact]
    public void Options_must_be_positive()
    {
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromSeconds(30), 0), (new MonitoringOptions().Window, new MonitoringOptions().Interval, new MonitoringOptions().Rules.Count));
        Assert.Throws<ArgumentException>(() => (new MonitoringOptions() with { Interval = TimeSpan.Zero }).Validate());
        Assert.Throws<ArgumentException>(() => (new MonitoringOptions() with { Window = TimeSpan.FromSeconds(-1) }).Validate());
    }
}
