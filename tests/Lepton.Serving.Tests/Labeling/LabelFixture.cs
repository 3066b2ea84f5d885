using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Keys;
using Lepton.Registry.Labeling;
using Lepton.Registry.Store;
using Lepton.Serving.Labeling;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Http;
using Lepton.Tests.Shared;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Serving.Tests.Labeling;

/// <summary>
/// A registry in a temporary LEPTON_HOME with the tiny image model served (4x4 gray, classes cat/dog/bird), keys for
/// predict and feedback, in-memory image data sets to label, and a collector that keeps every served image as a candidate.
/// </summary>
public sealed class LabelFixture : IAsyncLifetime
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "lepton-label-tests", Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> _apps = [];

    public ModelRegistry Registry { get; private set; } = null!;

    public ModelManager Models { get; private set; } = null!;

    public InMemoryLabelingDatasets Datasets { get; } = new();

    public LabelingService Labeling { get; private set; } = null!;

    public LabelCandidateCollector Candidates { get; private set; } = null!;

    /// <summary>The prediction log, flushed every 20 ms so tests see predictions quickly.</summary>
    public PredictionLogWriter Log { get; private set; } = null!;

    public string PredictKey { get; private set; } = "";

    public string FeedbackKey { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_home);
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_home, "registry.db"));
        Registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_home, "artifacts"))),
            new Lepton.Registry.Packaging.ModelPackageOptions(CacheRoot: Path.Combine(_home, "cache")));
        var v1 = await Registry.RegisterAsync(ServerFixture.Model, ServerFixture.WriteTinyModel(Path.Combine(_home, "tiny-src")), null, null, "test");
        await Registry.PromoteAsync(ServerFixture.Model, v1.Version, "production", "test");
        PredictKey = (await ApiKeys.CreateAsync(store, "predict", KeyScopes.Predict, null, "test")).Secret;
        FeedbackKey = (await ApiKeys.CreateAsync(store, "labeler", KeyScopes.Feedback, null, "test")).Secret;
        Models = new ModelManager(Registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await Models.LoadAsync(new ModelServeOptions($"{ServerFixture.Model}@production", MaxBatchSize: 8, MaxQueueDelay: TimeSpan.FromMilliseconds(1)));
        Labeling = new LabelingService(store, Datasets);
        Candidates = new LabelCandidateCollector(store, new LabelCandidateOptions(MinUncertainty: 0));
        Log = new PredictionLogWriter(store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(20)));
    }

    /// <summary>A data set with two labelled items (circle, square) and three unlabelled ones under unlabeled/.</summary>
    public string AddShapes(string name)
    {
        Datasets.Add(name, ("circle/1.png", "circle"), ("unlabeled/c.png", null), ("unlabeled/a.png", null), ("square/2.png", "square"),
            ("unlabeled/b.png", null));
        return name;
    }

    private ServerDependencies Dependencies(ServerOptions options, bool labeling) =>
        new(Models, options.NoAuth ? null : Registry.Store, Log) { Registry = Registry, Labeling = labeling ? Labeling : null, LabelCandidates = labeling ? Candidates : null };

    /// <summary>A server on TestServer; its client sends no key.</summary>
    public async Task<HttpClient> StartTestServerAsync(ServerOptions? options = null, bool labeling = true)
    {
        options ??= new ServerOptions();
        var app = LeptonServer.Build(options, Dependencies(options, labeling), b => b.WebHost.UseTestServer());
        await app.StartAsync();
        _apps.Add(app);
        return app.GetTestClient();
    }

    /// <summary>A real Kestrel server on 127.0.0.1 and a free port; returns its base address.</summary>
    public async Task<Uri> StartKestrelAsync()
    {
        var options = new ServerOptions { Host = "127.0.0.1", Port = 0 };
        var app = LeptonServer.Build(options, Dependencies(options, true));
        await app.StartAsync();
        _apps.Add(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        if (Candidates is not null) await Candidates.DisposeAsync();
        if (Log is not null) await Log.DisposeAsync();
        if (Models is not null) await Models.DisposeAsync();
        if (Registry is not null) await Registry.DisposeAsync();
        try
        {
            Directory.Delete(_home, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
