using System.Globalization;
using Lepton.Serving.Http;

namespace Lepton.Monitoring.Alerts;

/// <summary>The Prometheus families the alert monitor exposes, written from one check's reports.</summary>
internal static class AlertMetrics
{
    public static void Write(PrometheusText text, IReadOnlyList<MonitorReport> reports, IReadOnlyList<AlertRule> rules, IReadOnlyList<FiredAlert> firing)
    {
        if (reports.Count == 0) return;
        text.Declare("lepton_alert_firing", "gauge", "1 while the alert rule holds for the model (any version or all pooled), else 0.");
        foreach (var report in reports)
            foreach (var rule in rules)
                text.Sample("lepton_alert_firing", firing.Any(a => a.Model == report.Model && a.Rule.Text == rule.Text) ? 1 : 0,
                    ("model", report.Model), ("rule", rule.Text));

        var versions = reports.SelectMany(r => r.Versions).Where(v => v.Version is not null).ToArray();
        text.Declare("lepton_drift_psi", "gauge", "Population stability index of an input statistic against the version's reference profile.");
        foreach (var v in versions)
        {
            foreach (var drift in v.InputDrift)
                text.Sample("lepton_drift_psi", drift.Psi, Labels(v, ("statistic", drift.Statistic)));
            if (v.TextDrift is { } t)
            {
                text.Sample("lepton_drift_psi", t.TokenFrequencyPsi, Labels(v, ("statistic", "token_frequency")));
                text.Sample("lepton_drift_psi", t.ScriptMixPsi, Labels(v, ("statistic", "script_mix")));
            }
        }
        text.Declare("lepton_feature_drift_psi", "gauge", "Population stability index of a table model's feature column against its training rows.");
        foreach (var v in versions)
            foreach (var f in v.Features) text.Sample("lepton_feature_drift_psi", f.Psi, Column(v, f));
        text.Declare("lepton_feature_drift_ks", "gauge", "Two-sample KS statistic of a table model's numeric or date-time column against its training rows.");
        foreach (var v in versions)
            foreach (var f in v.Features.Where(f => f.KsStatistic is not null)) text.Sample("lepton_feature_drift_ks", f.KsStatistic!.Value, Column(v, f));
        text.Declare("lepton_feature_missing_rate", "gauge", "Share of live rows missing a table model's feature column.");
        foreach (var v in versions)
            foreach (var f in v.Features) text.Sample("lepton_feature_missing_rate", f.LiveMissingRate, Column(v, f));
        text.Declare("lepton_prediction_drift_psi", "gauge", "Population stability index of the predicted-class mix against the version's reference.");
        foreach (var v in versions.Where(v => v.PredictionDrift is not null))
            text.Sample("lepton_prediction_drift_psi", v.PredictionDrift!.Psi, Labels(v));
        // Each family's samples are written together, as the text format asks; a version has only its task's families.
        Family(text, versions, "lepton_live_accuracy",
            "Accuracy (multi-label: exact label-set matches) of a classifier version's predictions against client feedback in the window.",
            v => v.Accuracy?.Accuracy);
        Family(text, versions, "lepton_live_labels", "Labels received and scored in the window for the version's predictions.",
            v => v.Accuracy?.Labels ?? v.LiveError?.Labels);
        Family(text, versions, "lepton_live_f1",
            "F1 against client feedback in the window: the positive class's for a binary model, micro F1 for a multi-label one.",
            v => v.Accuracy?.F1);
        Family(text, versions, "lepton_live_mae",
            "Mean absolute error of a regressor version's values against client feedback in the window (mean over targets).", v => v.LiveError?.Mae);
        Family(text, versions, "lepton_live_rmse",
            "Root mean squared error of a regressor version's values against client feedback in the window (mean over targets).", v => v.LiveError?.Rmse);
        Family(text, versions, "lepton_live_calibration_gap",
            "A classifier version's mean probability minus the rate at which its event happened, by client feedback in the window (above 0: it overstates).",
            v => v.Calibration?.Gap);
        Family(text, versions, "lepton_live_brier", "Brier score of a classifier version's probabilities against client feedback in the window.", v => v.Calibration?.Brier);
        Family(text, versions, "lepton_live_log_loss", "Log loss of a classifier version's probabilities against client feedback in the window.", v => v.Calibration?.LogLoss);
        Family(text, versions, "lepton_live_interval_coverage",
            "The share of client feedback in the window that a version's conformal intervals or prediction sets held (against the level they were fitted for).",
            v => v.Coverage?.Coverage);
        Family(text, versions, "lepton_live_weighted_labels",
            "Labels in the window of a version trained with a weight column whose rows carried a weight.", v => v.Weighted?.Labels);
        Family(text, versions, "lepton_live_weighted_accuracy",
            "Accuracy of a classifier version trained with a weight column, each labelled row counting its weight.", v => v.Weighted?.Accuracy);
        Family(text, versions, "lepton_live_weighted_error",
            "The loss's metric (RMSE for squared error) of a regressor version trained with a weight column, each labelled row counting its weight.",
            v => v.Weighted?.Error);
        Family(text, versions, "lepton_live_labels_skipped",
            "Feedback rows in the window whose predicted or true text does not parse for the version's task.",
            v => v.SkippedLabels > 0 ? v.SkippedLabels : null);
    }

    private static void Family(PrometheusText text, IReadOnlyList<VersionReport> versions, string name, string help, Func<VersionReport, double?> value)
    {
        text.Declare(name, "gauge", help);
        foreach (var v in versions)
            if (value(v) is { } x) text.Sample(name, x, Labels(v));
    }

    // A feature column's series; the table's time column also carries role="time", so rules over every column can leave it out.
    private static (string, string)[] Column(VersionReport v, FeatureDrift f) =>
        f.Time ? Labels(v, ("column", f.Column), ("role", "time")) : Labels(v, ("column", f.Column));

    private static (string, string)[] Labels(VersionReport v, params (string, string)[] extra) =>
        [("model", v.Model), ("version", v.Version!.Value.ToString(CultureInfo.InvariantCulture)), .. extra];
}
