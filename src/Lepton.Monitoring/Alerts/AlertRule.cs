using System.Globalization;
using System.Text.RegularExpressions;

namespace Lepton.Monitoring.Alerts;

/// <summary>
/// A condition on a monitoring metric, written as text (<c>drift.psi &gt; 0.2</c>, <c>accuracy &lt; 0.85 over 500 labels</c>,
/// <c>live.mae &gt; 2</c>, <c>p99 &gt; 50ms</c>). Metric is the canonical metric name, Threshold is in the metric's unit
/// (latency in milliseconds, error rate as a fraction), and MinLabels is how many labels a live-metric rule (accuracy,
/// live.f1, live.mae, live.rmse, calibration.gap, live.brier, live.log_loss, interval.coverage) needs before it may fire.
/// </summary>
public sealed partial record AlertRule(string Text, string Metric, string Comparison, double Threshold, int MinLabels)
{
    /// <summary>The metrics a rule can name.</summary>
    public static IReadOnlyList<string> Metrics { get; } =
    [
        "drift.psi", "drift.psi.mean", "drift.psi.std", "drift.psi.min", "drift.psi.max", "drift.ks",
        "drift.psi.chars", "drift.psi.tokens", "drift.psi.unknown_rate", "drift.psi.rare_token_rate", "drift.psi.token_frequency", "drift.psi.script_mix",
        "drift.psi.feature.max", "drift.ks.feature.max", "drift.missing.feature.max",
        "prediction.psi", "prediction.chi2_p", "accuracy", "live.f1", "live.mae", "live.rmse", "calibration.gap", "live.brier", "live.log_loss", "interval.coverage",
        "live.weighted_accuracy", "live.weighted_error", "error_rate", "p50", "p95", "p99", "requests",
        "selection_ratio", "opportunity_difference",
    ];

    /// <summary>
    /// Per-feature metrics of a table model: <c>drift.psi.feature.COLUMN</c>, <c>drift.ks.feature.COLUMN</c> and
    /// <c>drift.missing.feature.COLUMN</c> (the change of the missing rate), each also with <c>max</c> for the largest over the columns
    /// (a column named <c>max</c> is reached by the largest too). Columns are matched case-insensitively.
    /// </summary>
    public static IReadOnlyList<string> FeaturePrefixes { get; } = ["drift.psi.feature.", "drift.ks.feature.", "drift.missing.feature."];

    /// <summary>
    /// The metrics scored from feedback, which take "over N labels": accuracy (classifiers; subset accuracy for multi-label),
    /// live.f1 (the positive class's F1 for binary, micro F1 for multi-label), live.mae and live.rmse (regression, mean over targets),
    /// calibration.gap (a classifier's mean probability against the rate observed, either way), live.brier, live.log_loss and
    /// interval.coverage (the share of labels a model's conformal intervals or prediction sets held); for a table model trained with a
    /// weight column, live.weighted_accuracy and live.weighted_error (its loss's metric, RMSE for squared error), each labelled row
    /// counting its weight.
    /// </summary>
    public static IReadOnlyList<string> LiveMetrics { get; } =
        ["accuracy", "live.f1", "live.mae", "live.rmse", "calibration.gap", "live.brier", "live.log_loss", "interval.coverage", "live.weighted_accuracy", "live.weighted_error"];

    /// <summary>
    /// The metrics only <c>lepton monitor --groups</c> measures (the groups of named columns); a server or a recipe's monitoring,
    /// which watches no groups, refuses rules on them rather than keep a rule that cannot fire.
    /// </summary>
    public static IReadOnlyList<string> GroupMetrics { get; } = ["selection_ratio", "opportunity_difference"];

    /// <summary>Throws <see cref="FormatException"/> when this rule reads groups, which a watcher without groups never measures.</summary>
    public AlertRule WithoutGroups() => GroupMetrics.Contains(Metric)
        ? throw new FormatException($"'{Text}' reads the groups of lepton monitor --groups, which this watcher does not measure; check it with lepton monitor MODEL --groups COLUMN --rule \"{Text}\".")
        : this;

    /// <summary>Labels a live-metric rule needs when the text does not say "over N labels".</summary>
    public const int DefaultMinLabels = 1;

    private const string Help =
        "Write '<metric> <comparison> <threshold>' with a comparison of >, >=, < or <=, e.g. 'drift.psi > 0.2', "
        + "'accuracy < 0.85 over 500 labels', 'live.mae > 2', 'live.f1 < 0.8', 'error_rate > 5%', 'p99 > 50ms'. Metrics: ";

    [GeneratedRegex(@"^\s*(?<metric>[a-z0-9_.]+)\s*(?<cmp>>=|<=|>|<)\s*(?<value>[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)\s*(?<unit>%|ms|s)?\s*(over\s+(?<labels>\d+)\s+labels?)?\s*$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Grammar();

    /// <summary>Parses a rule; throws <see cref="FormatException"/> naming the allowed metrics and an example when the text is not one.</summary>
    public static AlertRule Parse(string text)
    {
        var match = Grammar().Match(text ?? "");
        if (!match.Success) throw Invalid(text, "it is not of the form '<metric> <comparison> <threshold>'");
        string metric = match.Groups["metric"].Value.ToLowerInvariant();
        if (!Metrics.Contains(metric) && !FeaturePrefixes.Any(p => metric.StartsWith(p, StringComparison.Ordinal) && metric.Length > p.Length))
            throw Invalid(text, $"'{metric}' is not a known metric");
        double value = double.Parse(match.Groups["value"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
        string unit = match.Groups["unit"].Value.ToLowerInvariant();
        bool latency = metric is "p50" or "p95" or "p99";
        bool live = LiveMetrics.Contains(metric);
        value = unit switch
        {
            "" => value,
            "%" when metric is "error_rate" or "accuracy" or "live.f1" or "live.weighted_accuracy" => value / 100,
            "ms" when latency => value,
            "s" when latency => value * 1000,
            _ => throw Invalid(text, $"the unit '{unit}' does not apply to {metric} (use % for error_rate, accuracy and live.f1, ms or s for p50/p95/p99; live.mae and live.rmse are in the target's units)"),
        };
        var labels = match.Groups["labels"];
        if (labels.Success && !live) throw Invalid(text, $"'over N labels' applies only to {string.Join(", ", LiveMetrics)} (the metrics scored from feedback)");
        int minLabels = !live ? 0
            : labels.Success ? int.Parse(labels.Value, NumberStyles.None, CultureInfo.InvariantCulture) : DefaultMinLabels;
        return new AlertRule(text!.Trim(), metric, match.Groups["cmp"].Value, value, minLabels);
    }

    /// <summary>Whether <paramref name="value"/> satisfies the comparison (so the alert fires).</summary>
    public bool Holds(double value) => Comparison switch
    {
        ">" => value > Threshold,
        ">=" => value >= Threshold,
        "<" => value < Threshold,
        "<=" => value <= Threshold,
        _ => throw new InvalidOperationException($"Alert rule '{Text}' has an unknown comparison '{Comparison}'; use >, >=, < or <=."),
    };

    private static FormatException Invalid(string? text, string why) =>
        new($"Alert rule '{text}' is not valid: {why}. {Help}{string.Join(", ", Metrics)}.");
}
