using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Keys;
using Lepton.Registry.Store;
using Lepton.Serving.Http.Dashboard;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Serving.Tests.Dashboard;

/// <summary>A contributed panel whose title and body show whether the page encodes titles and keeps panel HTML as given.</summary>
internal sealed class FakePanel : IDashboardPanel
{
    public string Title => "Drift <& friends>";

    public int Order => 1;

    public Task<string> RenderHtmlAsync(string model, CancellationToken ct) =>
        Task.FromResult($"<p class=\"fake-panel\">drift of {Html.E(model)} is fine</p>");
}

/// <summary>
/// A registry in a temporary LEPTON_HOME with everything the dashboard shows: model "tiny" (classes cat/dog/bird) version 1 =
/// production and version 2 = staging, both from run "train &lt;tiny&gt; &amp; co" with three epochs of loss and accuracy, an
/// evaluation.json with a known confusion matrix, dataset lineage tiny-feedback@2 → tiny-feedback@1 → base toy@1, a loop
/// decision and an alert; served as tiny@production with a 25% canary on tiny@staging; one admin and one predict key.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    public const string Model = "tiny";

    /// <summary>Rows: true cat, dog, bird; columns: predicted.</summary>
    public static readonly long[][] Confusion = [[5, 1, 0], [2, 6, 1], [0, 0, 7]];

    public const string RunName = "train <tiny> & co";

    private readonly string _home = Path.Combine(Path.GetTempPath(), "lepton-dashboard-tests", Guid.NewGuid().ToString("N"));
    private readonly List<WebApplication> _apps = [];

    public ModelRegistry Registry { get; private set; } = null!;

    public ModelManager Models { get; private set; } = null!;

    public string AdminKey { get; private set; } = "";

    public string PredictKey { get; private set; } = "";

    public string RunId { get; private set; } = "";

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_home);
        var store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_home, "registry.db"));
        Registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(_home, "artifacts"))),
            new Lepton.Registry.Packaging.ModelPackageOptions(CacheRoot: Path.Combine(_home, "cache")));

        await store.AddDatasetVersionAsync("toy", new string('0', 64), "{\"format\":\"test\"}", "{}", "{}", null, "test");
        await store.AddDatasetVersionAsync("tiny-feedback", new string('1', 64), "{\"base_dataset\":\"toy@1\",\"count\":10}", "{}", "{}", null, "test");
        await store.AddDatasetVersionAsync("tiny-feedback", new string('2', 64), "{\"base_dataset\":\"toy@1\",\"count\":20}", "{}", "{}", 1, "test");
        var run = await store.StartRunAsync(RunName, "{\"epochs\":3,\"lr\":0.001,\"optimizer\":\"adam\"}", "test-host", "abc1234",
            "tiny-feedback@2", 42, "test");
        RunId = run.Id;
        double[] loss = [1.0, 0.6, 0.4], accuracy = [0.5, 0.7, 0.8], valAccuracy = [0.45, 0.65, 0.75];
        for (int epoch = 1; epoch <= 3; epoch++)
        {
            await store.LogMetricsAsync(run.Id, epoch, new Dictionary<string, double>
            {
                ["loss"] = loss[epoch - 1], ["accuracy"] = accuracy[epoch - 1], ["val_accuracy"] = valAccuracy[epoch - 1], ["lr"] = 0.001,
            });
        }
        await store.LogMetricsAsync(run.Id, 4, new Dictionary<string, double> { ["test_accuracy"] = 0.78 });
        await store.EndRunAsync(run.Id, RunStatus.Completed, null, "test");

        string folder = ServerFixture.WriteTinyModel(Path.Combine(_home, "tiny-src"));
        File.WriteAllText(Path.Combine(folder, "evaluation.json"), EvaluationJson);
        var v1 = await Registry.RegisterAsync(Model, folder, run.Id, "tiny-feedback@2", "test");
        var v2 = await Registry.RegisterAsync(Model, folder, run.Id, "tiny-feedback@2", "test");
        await Registry.PromoteAsync(Model, v1.Version, "production", "test");
        await Registry.PromoteAsync(Model, v2.Version, "staging", "test");
        await store.AddLoopDecisionAsync(new NewLoopDecision(Model, "compare", "promote", 1, 2, "challenger beat the champion by <b>4</b> points",
            "{\"champion\":0.7,\"challenger\":0.74}", "loop"));
        await store.AddAlertEventAsync(Model, 1, "drift.psi > 0.2", 0.31, 0.2, "input drift PSI 0.31 above 0.2");

        AdminKey = (await ApiKeys.CreateAsync(store, "admin", KeyScopes.Admin, null, "test")).Secret;
        PredictKey = (await ApiKeys.CreateAsync(store, "predict", KeyScopes.Predict, null, "test")).Secret;

        Models = new ModelManager(Registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await Models.LoadAsync(new ModelServeOptions($"{Model}@production", MaxBatchSize: 8, MaxQueueDelay: TimeSpan.FromMilliseconds(1),
            Canary: $"{Model}@staging", CanaryFraction: 0.25));
    }

    /// <summary>3 classes; precision/recall follow from <see cref="Confusion"/> (cat: 5/7, 5/6; dog: 6/7, 6/9; bird: 7/8, 7/7).</summary>
    public const string EvaluationJson = """
        {"accuracy": 0.8181818181818182, "count": 22, "loss": 0.5, "macro_f1": 0.8,
         "classes": [
           {"name": "cat", "precision": 0.7142857142857143, "recall": 0.8333333333333334, "f1": 0.7692307692307692, "support": 6},
           {"name": "dog", "precision": 0.8571428571428571, "recall": 0.6666666666666666, "f1": 0.75, "support": 9},
           {"name": "bird", "precision": 0.875, "recall": 1.0, "f1": 0.9333333333333333, "support": 7}],
         "confusion_matrix": [[5, 1, 0], [2, 6, 1], [0, 0, 7]]}
        """;

    private ServerDependencies Dependencies(ServerOptions options, IReadOnlyList<IDashboardPanel>? panels) =>
        new(Models, options.NoAuth ? null : Registry.Store) { Registry = Registry, DashboardPanels = panels ?? [new FakePanel()] };

    /// <summary>A server on TestServer; its client sends no key and keeps cookies when asked.</summary>
    public async Task<HttpClient> StartTestServerAsync(ServerOptions? options = null, IReadOnlyList<IDashboardPanel>? panels = null, bool withRegistry = true)
    {
        options ??= new ServerOptions();
        var deps = withRegistry ? Dependencies(options, panels) : new ServerDependencies(Models, options.NoAuth ? null : Registry.Store);
        var app = LeptonServer.Build(options, deps, b => b.WebHost.UseTestServer());
        await app.StartAsync();
        _apps.Add(app);
        return app.GetTestClient();
    }

    /// <summary>A real Kestrel server on 127.0.0.1 and a free port; returns its base address.</summary>
    public async Task<Uri> StartKestrelAsync(ServerOptions options)
    {
        var app = LeptonServer.Build(options with { Port = 0 }, Dependencies(options, null));
        await app.StartAsync();
        _apps.Add(app);
        return new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps) await app.DisposeAsync();
        // A failed start leaves these unset.
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
