using Lepton.Registry.Cluster;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lepton.Monitoring.Alerts;

/// <summary>
/// Checks the alert rules on a schedule: reports each model over the last window, records newly firing alerts in the store
/// (a rule that keeps firing is recorded again only after it cleared or after ten windows), logs them, and exposes the last
/// check's alert, drift and live-accuracy numbers on <c>/metrics</c>. With a leader election (replicas on one store), every
/// replica reports and exposes the numbers, but only the leader records and logs alerts, so each fires once per cluster.
/// </summary>
public sealed class AlertMonitor : IMetricsSource, IAsyncDisposable
{
    private const int RepeatAfterWindows = 10;

    private readonly ModelMonitor _monitor;
    private readonly IRegistryStore _store;
    private readonly IReadOnlyList<string> _models;
    private readonly MonitoringOptions _options;
    private readonly ILogger _logger;
    private readonly ILeaderElection? _leader;
    private bool _wasLeading;
    private readonly Dictionary<(string Model, int? Version, string Rule), DateTimeOffset> _recorded = new();
    private readonly SemaphoreSlim _checking = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private volatile CheckSnapshot _last = new([], []);
    private Task? _loop;
    private int _disposed;

    public AlertMonitor(ModelMonitor monitor, IRegistryStore store, IReadOnlyList<string> models, MonitoringOptions options, ILogger? logger = null,
        ILeaderElection? leader = null)
    {
        _leader = leader;
        _monitor = monitor ?? throw new ArgumentNullException(nameof(monitor));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _models = models?.ToArray() ?? throw new ArgumentNullException(nameof(models));
        _options = (options ?? throw new ArgumentNullException(nameof(options))).Validate();
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The reports of the last check, one per model.</summary>
    public IReadOnlyList<MonitorReport> LastReports => _last.Reports;

    /// <summary>True when this process records alerts: it leads the cluster, or runs without an election.</summary>
    public bool RecordsAlerts => _leader?.IsLeader ?? true;

    /// <summary>Reports every model over the last window and returns the alerts firing now, recording the newly firing ones.</summary>
    public async Task<IReadOnlyList<FiredAlert>> CheckOnceAsync(CancellationToken ct)
    {
        await _checking.WaitAsync(ct);
        try
        {
            var now = DateTimeOffset.UtcNow;
            var window = MonitorWindow.Last(_options.Window, now);
            var reports = new List<MonitorReport>();
            foreach (string model in _models) reports.Add(await _monitor.ReportAsync(model, window, _options.Rules, ct));
            var firing = reports.SelectMany(r => r.Alerts).ToArray();
            var firingKeys = new HashSet<(string, int?, string)>();
            bool leading = RecordsAlerts;
            if (leading && !_wasLeading && _leader is not null) await RememberRecordedAsync(now, ct);
            _wasLeading = leading;
            foreach (var alert in firing)
            {
                var key = (alert.Model, alert.Version, alert.Rule.Text);
                firingKeys.Add(key);
                // Another replica leads: it records and logs the cluster's alerts.
                if (!leading) continue;
                if (_recorded.TryGetValue(key, out var at) && now - at < _options.Window * RepeatAfterWindows) continue;
                await _store.AddAlertEventAsync(alert.Model, alert.Version, alert.Rule.Text, alert.Value, alert.Rule.Threshold, alert.Message, now, ct);
                _recorded[key] = now;
                _logger.LogWarning("Alert: {Message}", alert.Message);
            }
            // A rule that cleared is forgotten, so firing again is a new alert.
            foreach (var key in _recorded.Keys.Where(k => !firingKeys.Contains(k)).ToArray()) _recorded.Remove(key);
            _last = new CheckSnapshot(reports, firing);
            return firing;
        }
        finally
        {
            _checking.Release();
        }
    }

    /// <summary>
    /// A replica that just took over the lead learns what the old leader recorded within the repeat period, so an alert that
    /// keeps firing through a hand-over is not recorded twice.
    /// </summary>
    private async Task RememberRecordedAsync(DateTimeOffset now, CancellationToken ct)
    {
        var since = now - _options.Window * RepeatAfterWindows;
        foreach (string model in _models)
            foreach (var e in await _store.ListAlertEventsAsync(model, since, 1000, ct))
            {
                var key = (e.Model, e.Version, e.Rule);
                if (!_recorded.TryGetValue(key, out var at) || at < e.FiredAt) _recorded[key] = e.FiredAt;
            }
    }

    /// <summary>Checks every Interval in the background until disposed; a failed check is logged and the next one runs as usual.</summary>
    public void Start()
    {
        if (_loop is not null) throw new InvalidOperationException("The alert monitor is already running.");
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken ct)
    {
        using var timer = new PeriodicTimer(_options.Interval);
        do
        {
            try
            {
                await CheckOnceAsync(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Monitoring check failed for {Models}; retrying in {Interval}.", string.Join(", ", _models), _options.Interval);
            }
        }
        while (await WaitAsync(timer, ct));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Writes the last check's alert states, drift and live accuracy as Prometheus gauges.</summary>
    public void Write(PrometheusText text) => AlertMetrics.Write(text, _last.Reports, _options.Rules, _last.Firing);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await _stop.CancelAsync();
        if (_loop is not null) await _loop;
        _stop.Dispose();
        _checking.Dispose();
    }

    private sealed record CheckSnapshot(IReadOnlyList<MonitorReport> Reports, IReadOnlyList<FiredAlert> Firing);
}
