using System.Globalization;
using Lepton.Monitoring.Alerts;
using static Lepton.Factory.Deployment.Prometheus.LeptonMetricNames;

namespace Lepton.Factory.Deployment.Prometheus;

/// <summary>
/// Translates Lepton alert rules into PromQL over what the servers expose, so Prometheus fires where Lepton's monitor would.
/// Request-based metrics (error rate, latency quantiles, request counts) are computed by Prometheus from the HTTP counters
/// and histograms summed over every replica and the rule's window; feedback and drift metrics are the gauges the servers'
/// alert monitors publish, with the same gates Lepton applies (enough labels, enough answered predictions). Series are per
/// model and version, which is how Lepton's own evaluation reports them.
/// </summary>
public static class AlertRuleTranslator
{
    private const string By = "by (model, version)";

    /// <summary>The PromQL expression that holds exactly when <paramref name="rule"/> would fire, over <paramref name="window"/>.</summary>
    public static string Expression(AlertRule rule, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(rule);
        string w = ConfigDurations.Format(window, "alert window");
        string cmp = rule.Comparison is ">" or ">=" or "<" or "<="
            ? rule.Comparison
            : throw new ArgumentException($"Alert rule '{rule.Text}' has comparison '{rule.Comparison}'; use >, >=, < or <=.");
        string threshold = Number(rule.Threshold);
        // Lepton's monitor counts the predictions a version logged: answered ones and the model's own failures (5xx). A
        // request refused for its input (4xx) is not logged, and one refused before a model version was chosen carries no
        // version label at all, so neither counts here either.
        string routes = $"route=~\"{PredictionRoutes}\",version!=\"\"";
        string logged = $"{routes},status!~\"4..\"";
        string requests = $"sum {By} (rate({HttpRequests}{{{logged}}}[{w}]))";
        string answered = $"sum {By} (increase({HttpRequests}{{{routes},status!~\"[45]..\"}}[{w}])) >= {AlertEvaluator.MinDriftSamples.ToString(CultureInfo.InvariantCulture)}";
        string labels = $"max {By} ({LiveLabels}) >= {Math.Max(1, rule.MinLabels).ToString(CultureInfo.InvariantCulture)}";
        string weightedLabels = $"max {By} ({LiveWeightedLabels}) >= {Math.Max(1, rule.MinLabels).ToString(CultureInfo.InvariantCulture)}";
        string Gauge(string name, string selector = "") => $"max {By} ({name}{selector}) {cmp} {threshold}";

        return rule.Metric switch
        {
            // Versions without errors have no error series: "or ... * 0" makes their rate 0 instead of absent, so "<" rules see them.
            "error_rate" => $"(sum {By} (rate({HttpErrors}{{{routes},status=~\"5..\"}}[{w}])) or {requests} * 0) / {requests} {cmp} {threshold}",
            "p50" or "p95" or "p99" =>
                $"histogram_quantile({Quantile(rule.Metric)}, sum by (model, version, le) (rate({HttpDuration}_bucket{{{routes}}}[{w}]))) {cmp} {Number(rule.Threshold / 1000)}",
            "requests" => $"sum {By} (increase({HttpRequests}{{{logged}}}[{w}])) {cmp} {threshold}",
            "drift.psi" => $"{Gauge(DriftPsi)} and on (model, version) {answered}",
            // A table model's columns: one series per column; "max" is the largest over them.
            _ when rule.Metric.StartsWith("drift.psi.feature.", StringComparison.Ordinal) =>
                $"{Gauge(FeatureDriftPsi, Column(rule.Metric, "drift.psi.feature."))} and on (model, version) {answered}",
            _ when rule.Metric.StartsWith("drift.ks.feature.", StringComparison.Ordinal) =>
                $"{Gauge(FeatureDriftKs, Column(rule.Metric, "drift.ks.feature."))} and on (model, version) {answered}",
            _ when rule.Metric.StartsWith("drift.psi.", StringComparison.Ordinal) =>
                $"{Gauge(DriftPsi, $"{{statistic=\"{rule.Metric["drift.psi.".Length..]}\"}}")} and on (model, version) {answered}",
            "prediction.psi" => $"{Gauge(PredictionDriftPsi)} and on (model, version) {answered}",
            "accuracy" => $"{Gauge(LiveAccuracy)} and on (model, version) {labels}",
            "live.f1" => $"{Gauge(LiveF1)} and on (model, version) {labels}",
            "live.mae" => $"{Gauge(LiveMae)} and on (model, version) {labels}",
            "live.rmse" => $"{Gauge(LiveRmse)} and on (model, version) {labels}",
            // The gauge is signed (above 0: the model overstates); the rule reads its size either way.
            "calibration.gap" => $"max {By} (abs({LiveCalibrationGap})) {cmp} {threshold} and on (model, version) {labels}",
            "live.brier" => $"{Gauge(LiveBrier)} and on (model, version) {labels}",
            "live.log_loss" => $"{Gauge(LiveLogLoss)} and on (model, version) {labels}",
            "interval.coverage" => $"{Gauge(LiveIntervalCoverage)} and on (model, version) {labels}",
            "live.weighted_accuracy" => $"{Gauge(LiveWeightedAccuracy)} and on (model, version) {weightedLabels}",
            "live.weighted_error" => $"{Gauge(LiveWeightedError)} and on (model, version) {weightedLabels}",
            // The servers publish no gauge for these statistics, only whether their own check of the rule holds (a column's
            // missing-rate change needs its training rate, which only the server's reference has).
            _ when UsesServerVerdict(rule) => $"max by (model) ({AlertFiring}{{rule=\"{Escape(rule.Text)}\"}}) == 1",
            _ => throw new ArgumentException($"Alert rule '{rule.Text}' names metric '{rule.Metric}', which has no Prometheus translation; known: {string.Join(", ", AlertRule.Metrics.Except(AlertRule.GroupMetrics))}."),
        };
    }

    /// <summary>Whether the rule is read from the servers' own verdict (lepton_alert_firing) rather than computed by Prometheus.</summary>
    public static bool UsesServerVerdict(AlertRule rule) =>
        rule.Metric is "drift.ks" or "prediction.chi2_p" || rule.Metric.StartsWith("drift.missing.feature.", StringComparison.Ordinal);

    // The column selector of a per-column metric; for "max" every column but the table's time column (role="time": live rows
    // are newer than training's by nature), whose largest series is the largest column.
    private static string Column(string metric, string prefix) =>
        metric[prefix.Length..] is var column && column == "max" ? "{role!=\"time\"}" : $"{{column=\"{Escape(column)}\"}}";

    /// <summary>The alert's name: Lepton plus the metric in PascalCase (LeptonErrorRate, LeptonP99, LeptonDriftPsiMean).</summary>
    public static string AlertName(AlertRule rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var parts = rule.Metric.Split('.', '_').Where(p => p.Length > 0)
            .Select(p => char.ToUpperInvariant(p[0]) + p[1..]);
        return "Lepton" + string.Concat(parts);
    }

    /// <summary>The full alerting rule: name, expression, labels (severity and the Lepton rule's text) and annotations.</summary>
    public static PrometheusAlert Translate(AlertRule rule, TimeSpan window, TimeSpan holdFor, string severity = "warning")
    {
        string expression = Expression(rule, window);
        string who = UsesServerVerdict(rule) ? "{{ $labels.model }}" : "{{ $labels.model }}@{{ $labels.version }}";
        string value = rule.Metric switch
        {
            "p50" or "p95" or "p99" => "{{ $value | humanizeDuration }}",
            "error_rate" or "accuracy" or "live.f1" => "{{ $value | humanizePercentage }}",
            // Drift, errors in target units and counts read best as plain numbers (humanize writes 0.5 as "500m").
            _ => "{{ $value | printf \"%.4g\" }}",
        };
        string summary = UsesServerVerdict(rule)
            ? $"{who}: the Lepton servers report '{rule.Text}' holds."
            : $"{who}: {rule.Metric} is {value}, which breaks '{rule.Text}'.";
        return new PrometheusAlert(
            AlertName(rule),
            expression,
            holdFor,
            [new("severity", severity), new("lepton_rule", rule.Text)],
            [
                new("summary", summary),
                new("description", $"Lepton alert rule '{rule.Text}' over a {ConfigDurations.Format(window, "alert window")} window (lepton deploy prometheus)."),
            ]);
    }

    private static string Quantile(string metric) => metric switch
    {
        "p50" => "0.5",
        "p95" => "0.95",
        _ => "0.99",
    };

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
