using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Keys;
using Lepton.Registry.Store;
using Lepton.Serving.Http;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>Collects what the server would log, so tests can check prediction entries and feedback.</summary>
internal sealed class RecordingSink : IPredictionSink
{
    public ConcurrentQueue<PredictionEvent> Predictions { get; } = new();

    public ConcurrentQueue<FeedbackItem> Feedback { get; } = new();

    public void Enqueue(PredictionEvent prediction) => Predictions.Enqueue(prediction);

    public Task RecordFeedbackAsync(IReadOnlyList<FeedbackItem> feedback, CancellationToken ct)
    {
        foreach (var f in feedback) Feedback.Enqueue(f);
        return Task.CompletedTask;
    }
}

/// <summary>
/// A registry in a temporary LEPTON_HOME (SQLite store, file artifacts) holding model "tiny" (input "image"
/// (-1,1,4,4), pixels scaled by 1/255, classes cat/dog/bird) at version 1 = production, one key per scope
/// plus a revoked and an expired key, and a server on TestServer serving tiny@production.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public const string Model = "tiny";
    public static readonly string[] Classes = ["cat", "dog", "bird"];

    private readonly string _home = Path.Combine(Path.GetTempPath(), "lepton-http-tests", Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> _apps = [];

    public ModelRegistry Registry { get; private set; } = null!;

    public ModelManager Models { get; private set; } = null!;

    internal RecordingSink Sink { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    public string PredictKey { get; private set; } = "";
    public string FeedbackKey { get; private set; } = "";
    public string AdminKey { get; private set; } = "";
    public string RevokedKey { get; private set; } = "";
    public string ExpiredKey { get; private set; } = "";

    /// <summary>The tiny model's network, for reference results computed directly.</summary>
    public Module Network { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_home);
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_home, "registry.db"));
        Registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_home, "artifacts"))),
            new Lepton.Registry.Packaging.ModelPackageOptions(CacheRoot: Path.Combine(_home, "cache")));
        string folder = WriteTinyModel(Path.Combine(_home, "tiny-src"));
        Network = ModelFile.Load(folder).Model;
        var v1 = await Registry.RegisterAsync(Model, folder, null, null, "test");
        await Registry.PromoteAsync(Model, v1.Version, "production", "test");

        PredictKey = (await ApiKeys.CreateAsync(store, "predict", KeyScopes.Predict, null, "test")).Secret;
        FeedbackKey = (await ApiKeys.CreateAsync(store, "feedback", KeyScopes.Feedback, null, "test")).Secret;
        AdminKey = (await ApiKeys.CreateAsync(store, "admin", KeyScopes.Admin, null, "test")).Secret;
        var revoked = await ApiKeys.CreateAsync(store, "revoked", KeyScopes.Predict, null, "test");
        await store.RevokeApiKeyAsync(revoked.Record.Id, "test");
        RevokedKey = revoked.Secret;
        // ApiKeys.CreateAsync refuses past expiry dates, so the expired key is stored directly (SHA-256 of the token, as ApiKeys stores it).
        ExpiredKey = ApiKeys.Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await store.AddApiKeyAsync("expired", Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ExpiredKey))), KeyScopes.Predict,
            DateTimeOffset.UtcNow.AddMinutes(-1), "test");

        Models = new ModelManager(Registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await Models.LoadAsync(new ModelServeOptions($"{Model}@production", MaxBatchSize: 16, MaxQueueDelay: TimeSpan.FromMilliseconds(1)));
        Client = await StartAsync(new ServerOptions { MaxRequestBodyBytes = 64 * 1024, RawInputSampleRate = 1 }, Sink);
    }

    /// <summary>Starts another server on the same models and store with other options; a client with the predict key by default.</summary>
    public async Task<HttpClient> StartAsync(ServerOptions options, IPredictionSink? sink = null)
    {
        var app = LeptonServer.Build(options, new ServerDependencies(Models, Registry.Store, sink, DefaultServeOptions: new ModelServeOptions(Model)),
            b => b.WebHost.UseTestServer());
        await app.StartAsync();
        _apps.Add(app);
        return app.GetTestClient();
    }

    public static string WriteTinyModel(string dir)
    {
        var model = new Sequential(new Flatten(), new Linear(16, 8, rng: new Generator(7)), new ReLU(), new Linear(8, 3, rng: new Generator(8)));
        ModelFile.Save(dir, model, new ModelSpec
        {
            Input = new InputSpec("image", [-1, 1, 4, 4]),
            Preprocessing = new PreprocessingSpec(Scale: 1.0 / 255),
            ClassNames = Classes,
        });
        return dir;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        await Models.DisposeAsync();
        await Registry.DisposeAsync();
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
