using Lepton.Monitoring;

namespace Lepton.Factory.Loop;

/// <summary>Canary numbers from the monitoring report: each version's requests and errors from the prediction log, live accuracy (or RMSE) from feedback.</summary>
public sealed class MonitorCanaryObserver(ModelMonitor monitor) : ICanaryObserver
{
    public async Task<CanaryObservation> ObserveAsync(string model, int championVersion, int canaryVersion, DateTimeOffset from, DateTimeOffset to,
        CancellationToken ct = default)
    {
        var report = await monitor.ReportAsync(model, new MonitorWindow(from, to), null, ct);
        return new CanaryObservation(Health(report, championVersion), Health(report, canaryVersion), from, to);
    }

    private static VersionHealth Health(MonitorReport report, int version) =>
        report.Versions.FirstOrDefault(v => v.Version == version) is { } v
            ? new VersionHealth(version, v.Requests, v.Errors, v.ErrorRate, v.Accuracy?.Labels ?? v.LiveError?.Labels ?? 0, v.Accuracy?.Accuracy, v.LiveError?.Rmse)
            {
                LossMetric = v.LiveError?.LossMetric, LossValue = v.LiveError?.LossValue,
            }
            : new VersionHealth(version, 0, 0, 0, 0, null);
}
