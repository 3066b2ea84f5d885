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
            foreach (var drift in v.InputDrift)
                text.Sample("lepton_drift_psi", drift.Psi, Labels(v, ("statistic", drift.Statistic)));
        text.Declare("lepton_prediction_drift_psi", "gauge", "Population stability index of the predicted-class mix against the version's reference.");
        foreach (var v in versions.Where(v => v.PredictionDrift is not null))
            text.Sample("lepton_prediction_drift_psi", v.PredictionDrift!.Psi, Labels(v));
        text.Declare("lepton_live_accuracy", "gauge", "Accuracy of the version's predictions against client feedback in the window.");
        text.Declare("lepton_live_labels", "gauge", "Labels received in the window for the version's predictions.");
        foreach (var v in versions.Where(v => v.Accuracy is not null))
        {
            text.Sample("lepton_live_accuracy", v.Accuracy!.Accuracy, Labels(v));
            text.Sample("lepton_live_labels", v.Accuracy.Labels, Labels(v));
        }
    }

    private static (string, string)[] Labels(VersionReport v, params (string, string)[] extra) =>
        [("model", v.Model), ("version", v.Version!.Value.ToString(CultureInfo.InvariantCulture)), .. extra];
}
