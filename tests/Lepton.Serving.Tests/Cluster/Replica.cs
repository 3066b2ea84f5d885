using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Cluster;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Cluster;

/// <summary>
/// One in-process replica, as `lepton serve` wires it on a shared store: its own store connection and model cache on the shared
/// PostgreSQL schema and artifact folder, a model manager with alias polling off, the prediction log, and a server on TestServer.
/// </summary>
internal sealed class Replica : IAsyncDisposable
{
    private Replica(ModelRegistry registry, ModelManager models, PredictionLogWriter log, ILeaderElection leader, WebApplication app)
    {
        Registry = registry;
        Models = models;
        Log = log;
        Leader = leader;
        App = app;
        Client = app.GetTestClient();
    }

    private int _disposed;

    public ModelRegistry Registry { get; }

    public ModelManager Models { get; }

    public PredictionLogWriter Log { get; }

    public ILeaderElection Leader { get; }

    public WebApplication App { get; }

    public HttpClient Client { get; }

    /// <summary>Opens the store, serves <paramref name="reference"/> and starts the server; the model must be registered already.</summary>
    public static async Task<Replica> StartAsync(string location, string home, string name, string reference, ServerOptions options,
        bool listen = true, TimeProvider? clock = null)
    {
        var store = await PostgresRegistryStore.OpenAsync(location);
        var registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(home, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(home, "cache-" + name)));
        var models = new ModelManager(registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan) { ListenForAliasChanges = listen });
        await models.LoadAsync(new ModelServeOptions(reference, MaxQueueDelay: TimeSpan.FromMilliseconds(1)));
        var log = new PredictionLogWriter(store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(20)));
        var leader = StoreCluster.Leader(store, "alerts", new ClusterOptions(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200)));
        var deps = new ServerDependencies(models, options.NoAuth ? null : store, log)
        {
            SharedRateWindows = StoreCluster.RateWindows(store, clock),
            Clock = clock,
            MetricsSources = [new ClusterMetrics([leader], models)],
        };
        var app = LeptonServer.Build(options, deps, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        leader.Start();
        return new Replica(registry, models, log, leader, app);
    }

    /// <summary>Stops as `lepton serve` does: requests drain, the log flushes, the lead is handed over, models are released.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        await App.DisposeAsync();
        await Log.DisposeAsync();
        await Leader.DisposeAsync();
        await Models.DisposeAsync();
        await Registry.DisposeAsync();
    }
}
