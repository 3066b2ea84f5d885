using Lepton.Monitoring.Alerts;

namespace Lepton.Monitoring.Tests.Alerts;

public class AlertEvaluatorTests
{
    private static readonly MonitorWindow Window = new(DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddMinutes(1));

    private static VersionReport Version(int? version, long requests = 100, double psi = 0.05, double accuracy = 0.9, int labels = 50,
        double p99 = 20) =>
        new("fashion", version, requests, requests / 60.0, requests / 10, requests == 0 ? 0 : 0.1, 5, 10, p99,
            new Dictionary<string, double>(), new Dictionary<string, double>(),
            [new InputDrift("mean", psi, 0.1, 0.5), new InputDrift("std", psi / 2, 0.4, 0.01)],
            new PredictionDrift(0.01, 1.5, 9, 0.99), labels == 0 ? null : new LiveAccuracy(labels, accuracy, []));

    private static MonitorReport Report(params VersionReport[] versions) =>
        new("fashion", Window, Version(null), versions, []);

    [Fact]
    public void Rules_fire_per_version_and_pooled_with_the_observed_value()
    {
        var report = Report(Version(1, psi: 0.05), Version(2, psi: 0.4));
        var fired = AlertEvaluator.Evaluate(report, [AlertRule.Parse("drift.psi > 0.2"), AlertRule.Parse("drift.ks > 0.3")]);
        // drift.psi: only v2 (max of 0.4 and 0.2); drift.ks: the std KS statistic 0.4 on v1, v2 and pooled.
        Assert.Equal([("drift.psi", 2), ("drift.ks", 1), ("drift.ks", 2), ("drift.ks", null)],
            fired.Select(a => (a.Rule.Metric, a.Version)));
        var psi = fired[0];
        Assert.Equal(0.4, psi.Value);
        Assert.Equal("fashion@2: drift.psi is 0.4, which breaks 'drift.psi > 0.2'.", psi.Message);
    }

    [Fact]
    public void Drift_needs_fifty_answered_predictions()
    {
        // Errors are requests / 10 in these reports: 55 requests leave 50 answered, 54 leave 49.
        var report = Report(Version(1, requests: 54, psi: 3.9), Version(2, requests: 55, psi: 3.9));
        var fired = AlertEvaluator.Evaluate(report, [AlertRule.Parse("drift.psi > 0.2"), AlertRule.Parse("prediction.chi2_p > 0.5")]);
        Assert.Equal([("drift.psi", 2), ("prediction.chi2_p", 2), ("prediction.chi2_p", null)], fired.Select(a => (a.Rule.Metric, a.Version)));
    }

    [Fact]
    public void Accuracy_needs_the_minimum_number_of_labels()
    {
        var report = Report(Version(1, accuracy: 0.7, labels: 499), Version(2, accuracy: 0.7, labels: 500));
        var fired = AlertEvaluator.Evaluate(report, [AlertRule.Parse("accuracy < 0.85 over 500 labels")]);
        var alert = Assert.Single(fired);
        Assert.Equal((2, 0.7), (alert.Version, alert.Value));
        Assert.Contains("on 500 labels", alert.Message);
        Assert.Empty(AlertEvaluator.Evaluate(new MonitorReport("fashion", Window, Version(null, labels: 0), [Version(1, labels: 0)], []),
            [AlertRule.Parse("accuracy < 0.99")]));
    }

    [Fact]
    public void Latency_error_rate_and_statistic_rules_read_their_own_numbers()
    {
        var v = Version(1, psi: 0.3, p99: 75);
        Assert.Equal(75, AlertEvaluator.ValueOf(v, AlertRule.Parse("p99 > 50ms")));
        Assert.Equal(0.1, AlertEvaluator.ValueOf(v, AlertRule.Parse("error_rate > 5%")));
        Assert.Equal(0.15, AlertEvaluator.ValueOf(v, AlertRule.Parse("drift.psi.std > 0.1")));
        Assert.Equal(0.99, AlertEvaluator.ValueOf(v, AlertRule.Parse("prediction.chi2_p < 0.01")));
        // No traffic: latency and error rate are unavailable, but "requests < 1" fires.
        var idle = Version(1, requests: 0);
        Assert.Null(AlertEvaluator.ValueOf(idle, AlertRule.Parse("p99 > 50ms")));
        Assert.Null(AlertEvaluator.ValueOf(idle, AlertRule.Parse("error_rate > 0")));
        Assert.Single(AlertEvaluator.Evaluate(new MonitorReport("fashion", Window, idle with { Version = null }, [], []), [AlertRule.Parse("requests < 1")]));
    }
}
