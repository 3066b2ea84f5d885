using System.Globalization;

namespace Lepton.Monitoring.Alerts;

/// <summary>Checks alert rules against a monitoring report.</summary>
public static class AlertEvaluator
{
    private const string StatisticPrefix = "drift.psi.";

    /// <summary>
    /// Drift rules wait for this many answered predictions in the window: PSI and KS on a handful of examples are noise
    /// (a new canary's first five requests easily show a PSI above 3).
    /// </summary>
    public const int MinDriftSamples = 50;

    /// <summary>
    /// The rules that hold, checked on each version and on all versions pooled. A rule whose metric is not available
    /// (no traffic for latency/error rate, no reference profile or fewer than <see cref="MinDriftSamples"/> answered predictions
    /// for drift, fewer labels than MinLabels, a live metric the version's task does not have, such as live.mae on a
    /// classifier) does not fire.
    /// </summary>
    public static IReadOnlyList<FiredAlert> Evaluate(MonitorReport report, IReadOnlyList<AlertRule> rules)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(rules);
        var fired = new List<FiredAlert>();
        foreach (var rule in rules)
        {
            foreach (var version in report.Versions.Append(report.Overall))
            {
                if (ValueOf(version, rule) is not { } value || !rule.Holds(value)) continue;
                fired.Add(new FiredAlert(rule, report.Model, version.Version, value, Message(report.Model, version, rule, value)));
            }
        }
        return fired;
    }

    /// <summary>The rule's metric measured on one version report, or null when it is not available there.</summary>
    public static double? ValueOf(VersionReport report, AlertRule rule)
    {
        bool traffic = report.Requests > 0;
        bool enough = report.Requests - report.Errors >= MinDriftSamples;
        var inputs = enough ? report.InputDrift : [];
        var predictions = enough ? report.PredictionDrift : null;
        return rule.Metric switch
        {
            "drift.psi" => enough ? report.MaxInputPsi : null,
            "drift.ks" => inputs.Count > 0 ? inputs.Max(d => d.KsStatistic) : null,
            _ when AlertRule.FeaturePrefixes.FirstOrDefault(p => rule.Metric.StartsWith(p, StringComparison.Ordinal)) is { } prefix =>
                enough ? FeatureValue(report.Features, prefix, rule.Metric[prefix.Length..]) : null,
            _ when rule.Metric.StartsWith(StatisticPrefix, StringComparison.Ordinal) => rule.Metric[StatisticPrefix.Length..] switch
            {
                "token_frequency" when enough => report.TextDrift?.TokenFrequencyPsi,
                "script_mix" when enough => report.TextDrift?.ScriptMixPsi,
                var statistic => inputs.FirstOrDefault(d => d.Statistic == statistic)?.Psi,
            },
            "prediction.psi" => predictions?.Psi ?? (enough ? report.PredictionValueDrift?.Psi : null),
            "prediction.chi2_p" => predictions?.PValue,
            "accuracy" => report.Accuracy is { } a && Enough(a.Labels, rule) ? a.Accuracy : null,
            "live.f1" => report.Accuracy is { F1: { } f1 } a && Enough(a.Labels, rule) ? f1 : null,
            "live.mae" => report.LiveError is { } e && Enough(e.Labels, rule) ? e.Mae : null,
            "live.rmse" => report.LiveError is { } e && Enough(e.Labels, rule) ? e.Rmse : null,
            // How far the mean probability is from the observed rate, either way (a model grown over- or under-confident).
            "calibration.gap" => report.Calibration is { } c && Enough(c.Labels, rule) ? Math.Abs(c.Gap) : null,
            "live.brier" => report.Calibration is { } c && Enough(c.Labels, rule) ? c.Brier : null,
            "live.log_loss" => report.Calibration is { } c && Enough(c.Labels, rule) ? c.LogLoss : null,
            "interval.coverage" => report.Coverage is { } v && Enough(v.Labels, rule) ? v.Coverage : null,
            "live.weighted_accuracy" => report.Weighted is { } w && Enough(w.Labels, rule) ? w.Accuracy : null,
            "live.weighted_error" => report.Weighted is { } w && Enough(w.Labels, rule) ? w.Error : null,
            "error_rate" => traffic ? report.ErrorRate : null,
            "p50" => traffic ? report.LatencyP50Ms : null,
            "p95" => traffic ? report.LatencyP95Ms : null,
            "p99" => traffic ? report.LatencyP99Ms : null,
            "requests" => report.Requests,
            // The lowest over the group columns monitored (lepton monitor --groups); none without two judged groups.
            "selection_ratio" => report.Groups.Where(g => g.SelectionRatio is not null).Select(g => g.SelectionRatio).Min(),
            // The largest live true-positive rate gap over the group columns (from feedback); none without two groups with enough labels.
            "opportunity_difference" => report.Groups.Where(g => g.OpportunityDifference is not null).Select(g => g.OpportunityDifference).Max(),
            _ => throw new ArgumentException($"Alert rule '{rule.Text}' names an unknown metric '{rule.Metric}'; known: {string.Join(", ", AlertRule.Metrics)}."),
        };
    }

    // One table column's drift metric (or the largest over the columns but the time column for "max"); null when no column matches or none measures it.
    private static double? FeatureValue(IReadOnlyList<FeatureDrift> features, string prefix, string column)
    {
        Func<FeatureDrift, double?> metric = prefix switch
        {
            "drift.psi.feature." => f => f.Psi,
            "drift.ks.feature." => f => f.KsStatistic,
            _ => f => f.MissingRateChange,
        };
        IReadOnlyList<FeatureDrift> chosen = column == "max" ? [.. features.Where(f => !f.Time)] : features.Where(f => f.Column.Equals(column, StringComparison.OrdinalIgnoreCase)).ToList();
        var values = chosen.Select(metric).OfType<double>().ToList();
        return values.Count > 0 ? values.Max() : null;
    }

    private static bool Enough(int labels, AlertRule rule) => labels >= Math.Max(1, rule.MinLabels);

    private static string Message(string model, VersionReport version, AlertRule rule, double value)
    {
        string who = version.Version is { } v ? $"{model}@{v}" : $"{model} (all versions)";
        string shown = rule.Metric is "p50" or "p95" or "p99" ? value.ToString("0.##", CultureInfo.InvariantCulture) + " ms" : value.ToString("0.####", CultureInfo.InvariantCulture);
        int? labels = rule.Metric is "live.mae" or "live.rmse" ? version.LiveError?.Labels
            : rule.Metric.StartsWith("live.weighted_", StringComparison.Ordinal) ? version.Weighted?.Labels
            : AlertRule.LiveMetrics.Contains(rule.Metric) ? version.Accuracy?.Labels : null;
        string extra = labels is { } n ? $" on {n} labels" : "";
        return $"{who}: {rule.Metric} is {shown}{extra}, which breaks '{rule.Text}'.";
    }
}
