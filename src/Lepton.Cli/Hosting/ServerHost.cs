using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.Registry;
using Lepton.Registry.Cluster;
using Lepton.Registry.Labeling;
using Lepton.Registry.Store;
using Lepton.Serving;
using Lepton.Serving.Http;
using Lepton.Serving.Http.Dashboard;
using Lepton.Serving.Labeling;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lepton.Cli.Hosting;

/// <summary>
/// A running <c>lepton serve</c>, wired the one way both <c>serve</c> and <c>demo</c> use: the models (loaded, warmed up,
/// following their aliases and canaries), the prediction log, the alert monitor with its metrics and the dashboard panels.
/// Disposing stops it in order: requests drain, the log flushes, models are released.
/// </summary>
internal sealed class ServerHost : IAsyncDisposable
{
    private ServerHost(WebApplication app, ModelManager models, PredictionLogWriter log, AlertMonitor? alerts, string url,
        LabelCandidateCollector? candidates, string? labelDataset, LabelingDatasets datasets, ILeaderElection leader)
    {
        Leader = leader;
        _datasets = datasets;
        Candidates = candidates;
        LabelDataset = labelDataset;
        App = app;
        Models = models;
        Log = log;
        Alerts = alerts;
        Url = url;
    }

    public WebApplication App { get; }

    public ModelManager Models { get; }

    public PredictionLogWriter Log { get; }

    /// <summary>Null when no monitoring rules were given.</summary>
    public AlertMonitor? Alerts { get; }

    private readonly LabelingDatasets _datasets;

    /// <summary>Keeps images of unsure predictions for labeling; null when the server labels nothing.</summary>
    public LabelCandidateCollector? Candidates { get; }

    /// <summary>The data set the /label page opens; null when none was given.</summary>
    public string? LabelDataset { get; }

    /// <summary>The election for the cluster's "alerts" role: on a shared store only the leader records alerts (SQLite: always this process).</summary>
    public ILeaderElection Leader { get; }

    /// <summary>The address the server listens on, e.g. http://127.0.0.1:8080.</summary>
    public string Url { get; }

    /// <summary>Loads every model (throws if one fails to load or warm up), then starts listening.</summary>
    public static async Task<ServerHost> StartAsync(ModelRegistry registry, ServerOptions options, IReadOnlyList<ModelServeOptions> models,
        ModelServeOptions defaults, MonitoringOptions? monitoring, ILoggerFactory loggers, CancellationToken ct, string? labelDataset = null)
    {
        options.Validate();
        var manager = new ModelManager(registry, logger: loggers.CreateLogger<ModelManager>());
        PredictionLogWriter? log = null;
        AlertMonitor? alerts = null;
        LabelCandidateCollector? candidates = null;
        var leader = StoreCluster.Leader(registry.Store, AlertsRole, logger: loggers.CreateLogger<ServerHost>());
        var datasets = LabelingDatasets.Open(registry.Store, registry.Artifacts);
        try
        {
            foreach (var model in models) await manager.LoadAsync(model, ct);
            log = new PredictionLogWriter(registry.Store, LogOptions(registry.Store), loggers.CreateLogger<PredictionLogWriter>());
            var monitor = new ModelMonitor(registry);
            var names = manager.Status().Select(s => s.Name).ToList();
            var sources = new List<IMetricsSource> { new ClusterMetrics([leader], manager) };
            if (monitoring is { Rules.Count: > 0 })
            {
                alerts = new AlertMonitor(monitor, registry.Store, names, monitoring, loggers.CreateLogger<AlertMonitor>(), leader);
                sources.Add(alerts);
            }
            // Labeling is offered when a data set is named: the page opens it, and unsure image predictions are kept for it.
            if (labelDataset is not null) candidates = new LabelCandidateCollector(registry.Store, logger: loggers.CreateLogger<LabelCandidateCollector>());
            var deps = new ServerDependencies(manager, options.NoAuth ? null : registry.Store, log, LogReadings(log), defaults with { Reference = "-" })
            {
                Registry = registry,
                MetricsSources = sources,
                DashboardPanels = [new Monitoring.Dashboard.MonitoringPanel(monitor, monitoring?.Window ?? TimeSpan.FromMinutes(15))],
                Labeling = new LabelingService(registry.Store, datasets),
                LabelDataset = labelDataset,
                LabelCandidates = candidates,
                SharedRateWindows = StoreCluster.RateWindows(registry.Store),
            };
            var app = LeptonServer.Build(options, deps);
            await app.StartAsync(ct);
            leader.Start();
            alerts?.Start();
            string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
                         ?? $"http://{options.Host}:{options.Port}";
            return new ServerHost(app, manager, log, alerts, url, candidates, labelDataset, datasets, leader);
        }
        catch
        {
            if (alerts is not null) await alerts.DisposeAsync();
            await leader.DisposeAsync();
            if (candidates is not null) await candidates.DisposeAsync();
            datasets.Dispose();
            if (log is not null) await log.DisposeAsync();
            await manager.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// On PostgreSQL a batch is one statement, and the commit (a flush of the server's write-ahead log) is what costs: batches
    /// four times larger let a replica log more answers per second, and a queue of 50,000 rides out a stall of the store of
    /// about 25 s at 2,000 answers/s before entries are dropped (bench/replicas.sh). SQLite keeps the defaults, so a batch
    /// never holds its single write lock long.
    /// </summary>
    internal static PredictionLogOptions? LogOptions(IRegistryStore store) =>
        StoreCluster.IsShared(store) ? new PredictionLogOptions(Capacity: 50_000, BatchSize: 1024) : null;

    /// <summary>The cluster role whose leader records alerts.</summary>
    public const string AlertsRole = "alerts";

    private static List<MetricReading> LogReadings(PredictionLogWriter log)
    {
        MetricReading Counter(string name, string help, Func<PredictionLogCounters, long> read) => new(name, "counter", help, () => read(log.Counters));
        return
        [
            Counter("lepton_prediction_log_written_total", "Prediction log entries stored.", c => c.Logged),
            Counter("lepton_prediction_log_dropped_total", "Prediction log entries dropped (queue full or store failing).", c => c.Dropped),
            Counter("lepton_prediction_log_flush_errors_total", "Failed prediction log writes (retried).", c => c.FlushErrors),
            new("lepton_prediction_log_queued", "gauge", "Prediction log entries waiting to be written.", () => log.Counters.Queued),
            Counter("lepton_feedback_recorded_total", "Feedback records stored.", c => c.FeedbackRecorded),
        ];
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        if (Alerts is not null) await Alerts.DisposeAsync();
        // After the monitor stopped: ending the session hands the role to another replica at once.
        await Leader.DisposeAsync();
        if (Candidates is not null) await Candidates.DisposeAsync();
        await Log.DisposeAsync();
        await Models.DisposeAsync();
        _datasets.Dispose();
    }
}
