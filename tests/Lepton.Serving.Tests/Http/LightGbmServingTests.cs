using System.Globalization;
using Lepton.Data.Tables;
using Lepton.Engine;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Packaging;
using Lepton.Registry.Store;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.LightGbm;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>A LightGBM model folder served through the lightgbm predictor kind: labels and probabilities as LightGBM computes them.</summary>
public sealed class LightGbmServingTests : IAsyncLifetime
{
    private const string Model = "trees";
    private static readonly string[] Classes = ["low", "mid", "high"];
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-lightgbm-serving", Guid.NewGuid().ToString("N"));
    private readonly FakeRegistry _registry = new();
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string _folder = "";

    public async Task InitializeAsync()
    {
        _folder = Path.Combine(_root, "v1");
        // Three bands of x0 + x1; trained straight through the binding so this test needs no training project.
        var rng = new Random(2);
        int n = 300;
        var values = new float[n * 4];
        var y = new float[n];
        for (int i = 0; i < values.Length; i++) values[i] = (float)(rng.NextDouble() * 2 - 1);
        for (int i = 0; i < n; i++)
        {
            float s = values[i * 4] + values[i * 4 + 1];
            y[i] = s < -0.4f ? 0 : s < 0.4f ? 1 : 2;
        }
        var x = new FeatureMatrix(values, n, ["a", "b", "c", "d"]);
        const string parameters = "objective=multiclass num_class=3 verbosity=-1 num_threads=1 deterministic=true min_data_in_leaf=5";
        using (var data = LightGbmDataset.Create(x, y, parameters))
        using (var booster = LightGbmBooster.Create(data, parameters))
        {
            for (int i = 0; i < 30; i++) booster.UpdateOneIteration();
            LightGbmModelFolder.Save(_folder, booster.SaveToString(), new LightGbmModelInfo(TaskKind.Multiclass, x.FeatureNames, Classes));
        }
        _registry.Add(Model, 1, _folder);
        _registry.Point(Model, "production", 1);
        _models = new ModelManager(_registry.Resolver,
            new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan, Predictors: PredictorLoader.Default));
        await _models.LoadAsync(new ModelServeOptions($"{Model}@production"));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(_models, null), b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Theory]
    [InlineData(-0.9f, -0.8f, 0.1f, 0.2f)]
    [InlineData(0.1f, -0.05f, -0.7f, 0.9f)]
    [InlineData(0.8f, 0.7f, 0.0f, -0.3f)]
    public async Task Predict_AnswersLightGbmsLabelAndProbability(float a, float b, float c, float d)
    {
        float[] row = [a, b, c, d];
        var reply = await Requests.PostJson(_client, $"/models/{Model}/predict",
            $"{{\"instances\":[[{string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))}]]}}", null);
        Assert.Equal(200, reply.Status);

        using var predictor = LightGbmPredictor.Load(_folder);
        var p = predictor.Probabilities(new FeatureMatrix(row, 1, ["a", "b", "c", "d"]));
        int best = Array.IndexOf(p, p.Max());
        var prediction = reply.Json.GetProperty("predictions")[0];
        Assert.Equal(Classes[best], prediction.GetProperty("label").GetString());
        var top = prediction.GetProperty("top")[0];
        Assert.Equal(p[best], top.GetProperty("probability").GetDouble(), 5);
    }

    [Fact]
    public async Task RegisteredInARealRegistry_TheFolderIsStoredDescribedAndServed()
    {
        var home = Path.Combine(_root, "home");
        var store = await RegistryStoreFactory.OpenAsync($"sqlite:{Path.Combine(home, "registry.db")}");
        await using var registry = new ModelRegistry(store, new FileArtifactStore(new FileArtifactStoreOptions(Path.Combine(home, "artifacts"))),
            new ModelPackageOptions(CacheRoot: Path.Combine(home, "cache")));
        var version = await registry.RegisterAsync("gbm", _folder, null, null, "test");
        Assert.Equal("LightGBM trees; features (-1,4) → (-1,3)", version.ArchitectureSummary);
        await registry.PromoteAsync("gbm", version.Version, "production", "test");
        await using var manager = new ModelManager(registry,
            new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan, Predictors: PredictorLoader.Default));
        await manager.LoadAsync(new ModelServeOptions("gbm@production"));

        float[] rows = [0.5f, 0.4f, 0f, 0f, -0.6f, -0.3f, 0.2f, 0.1f];
        Tensor scores;
        using (var lease = manager.Acquire("gbm")) scores = await lease.InferAsync(Tensor.FromArray(rows, 2, 4));
        using var predictor = LightGbmPredictor.Load(_folder);
        var expected = predictor.RawScores(new FeatureMatrix(rows, 2, ["a", "b", "c", "d"]));
        Assert.Equal(expected.Select(v => (float)v), scores.ToArray());
    }

    [Fact]
    public async Task Metadata_NamesTheLightGbmPlatformAndItsFeatureInput()
    {
        var reply = await Requests.Get(_client, $"/v2/models/{Model}/versions/1", null);
        Assert.Equal(200, reply.Status);
        Assert.Equal("lightgbm", reply.Json.GetProperty("platform").GetString());
        var input = Assert.Single(reply.Json.GetProperty("inputs").EnumerateArray());
        Assert.Equal(("features", "FP32"), (input.GetProperty("name").GetString(), input.GetProperty("datatype").GetString()));
        Assert.Equal([-1, 4], input.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()));
    }
}
