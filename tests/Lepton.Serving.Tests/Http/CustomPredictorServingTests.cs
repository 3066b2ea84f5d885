using System.Globalization;
using System.Text.Json;
using Lepton.Registry.Store;
using Lepton.Runtime;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Lepton.Serving.Tests.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Serving.Tests.Http;

/// <summary>
/// A predictor that is not a Module (<see cref="WeightedSumPredictor"/>, a predictor kind registered with the runtime's loader)
/// served through the real server: dynamic batching of variable-length int32 inputs, a canary split between two versions,
/// and the prediction log in a SQLite registry store.
/// </summary>
public sealed class CustomPredictorServingTests : IAsyncLifetime
{
    private const string Model = "sums";
    private static readonly Dictionary<string, float> Weights = new() { ["1"] = 1f, ["2"] = 10f };

    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-custom-predictor", Guid.NewGuid().ToString("N"));
    private readonly WeightedSumKind _kind = new();
    private readonly FakeRegistry _registry = new();
    private IRegistryStore _store = null!;
    private PredictionLogWriter _log = null!;
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _registry.Add(Model, 1, WeightedSumKind.WriteFolder(Path.Combine(_root, "v1"), Weights["1"]));
        _registry.Add(Model, 2, WeightedSumKind.WriteFolder(Path.Combine(_root, "v2"), Weights["2"]));
        _registry.Point(Model, "production", 1);
        _registry.Point(Model, "staging", 2);
        _store = await RegistryStoreFactory.OpenAsync("sqlite:" + Path.Combine(_root, "registry.db"));
        _log = new PredictionLogWriter(_store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(20)));
        _models = new ModelManager(_registry.Resolver,
            new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan, Predictors: PredictorLoader.Default.With(_kind)));
        await _models.LoadAsync(new ModelServeOptions($"{Model}@production", MaxBatchSize: 16, MaxQueueDelay: TimeSpan.FromMilliseconds(5),
            Canary: $"{Model}@staging", CanaryFraction: 0.5));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true, RawInputSampleRate = 1 }, new ServerDependencies(_models, null, _log),
            b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _kind.Hold.Set();
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        await _log.DisposeAsync();
        await _store.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }

    [Fact]
    public async Task ANonModulePredictor_IsBatchedCanariedAndLogged()
    {
        const int requests = 12;
        // Hold every batch at its start until all requests are queued, so the ones behind the first share a batch.
        _kind.Hold.Reset();
        _kind.Batches.Clear(); // the warm-ups ran at load
        var sent = Enumerable.Range(0, requests).Select(i => Values(i)).Select(v => (Values: v, Reply: Infer(v))).ToList();
        await WaitUntil(() => _models.Metrics.All().Where(m => m.Model == Model).Sum(m => m.InFlight) == requests);
        _kind.Hold.Set();

        var versions = new HashSet<string>();
        foreach (var (values, replyTask) in sent)
        {
            var reply = await replyTask;
            Assert.Equal(200, reply.Status);
            string version = reply.Json.GetProperty("model_version").GetString()!;
            Assert.Equal(version, reply.Header(Lepton.Serving.Http.InferencePipeline.ModelVersionHeader));
            versions.Add(version);
            var output = Assert.Single(reply.Json.GetProperty("outputs").EnumerateArray());
            Assert.Equal("total", output.GetProperty("name").GetString());
            Assert.Equal([1, 1], output.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
            float expected = Weights[version] * values.Sum();
            Assert.Equal(expected, output.GetProperty("data")[0].GetSingle());

            // The prediction log holds the row under the response's prediction id, with the version and the output value.
            string id = reply.Json.GetProperty("parameters").GetProperty("prediction_id").GetString()!;
            var record = await Logged(id);
            Assert.Equal((Model, int.Parse(version, CultureInfo.InvariantCulture)), (record.Model, record.Version!.Value));
            using var logged = JsonDocument.Parse(record.OutputJson);
            Assert.Equal(version, logged.RootElement.GetProperty("version").GetString());
            Assert.Equal(expected, logged.RootElement.GetProperty("values")[0].GetSingle());
            Assert.Null(record.PredictedLabel);
        }

        // Both versions answered (the canary takes half of the requests that name no version).
        Assert.Equal(["1", "2"], versions.Order());
        // Requests of different lengths shared batches: more than one row per forward pass, padded to the longest.
        var batches = _kind.Batches.ToArray();
        Assert.Contains(batches, b => b.Rows > 1);
        Assert.Equal(requests, batches.Sum(b => b.Rows));
        Assert.Contains(batches, b => b.Rows > 1 && b.Length == 4);
        Assert.True(_models.Metrics.For(Model, "1").Batches + _models.Metrics.For(Model, "2").Batches < requests);
    }

    [Fact]
    public async Task Metadata_DescribesTheCustomKindsSignature()
    {
        var reply = await Requests.Get(_client, $"/v2/models/{Model}/versions/2", null);
        Assert.Equal(200, reply.Status);
        var json = reply.Json;
        Assert.Equal(WeightedSumKind.KindName, json.GetProperty("platform").GetString());
        var input = Assert.Single(json.GetProperty("inputs").EnumerateArray());
        Assert.Equal(("values", "INT32"), (input.GetProperty("name").GetString(), input.GetProperty("datatype").GetString()));
        Assert.Equal([-1, -1], input.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var output = Assert.Single(json.GetProperty("outputs").EnumerateArray());
        Assert.Equal(("total", "FP32"), (output.GetProperty("name").GetString(), output.GetProperty("datatype").GetString()));
    }

    [Fact]
    public async Task ThePredictEndpoint_TakesVariableLengthInstances_PaddedByTheInputsRule()
    {
        var reply = await Requests.PostJson(_client, $"/models/{Model}/predict", "{\"instances\":[[1,2,3],[4]]}", null);
        Assert.Equal(200, reply.Status);
        float weight = Weights[reply.Json.GetProperty("model_version").GetString()!];
        var totals = reply.Json.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("outputs").GetProperty("total")[0].GetSingle());
        Assert.Equal([weight * 6, weight * 4], totals);

        var fraction = await Requests.PostJson(_client, $"/models/{Model}/predict", "{\"instances\":[[1,2.5]]}", null);
        Assert.Equal(400, fraction.Status);
        Assert.Contains("instances[0] element 1 is 2.5, but INT32 data holds whole numbers", fraction.Error);
        Requests.AssertNoLeaks(fraction);
    }

    // Lengths 1..4 and values that differ per request, so every answer is checkable on its own.
    private static int[] Values(int i) => [.. Enumerable.Range(1, 1 + i % 4).Select(k => k * (i + 1))];

    private Task<Reply> Infer(int[] values) => Task.Run(() => Requests.PostJson(_client, $"/v2/models/{Model}/infer",
        $"{{\"inputs\":[{{\"name\":\"values\",\"shape\":[1,{values.Length}],\"datatype\":\"INT32\",\"data\":[{string.Join(",", values)}]}}]}}", null));

    private async Task<PredictionRecord> Logged(string id)
    {
        for (int i = 0; i < 250; i++)
        {
            if (await _store.GetPredictionAsync(id) is { } record) return record;
            await Task.Delay(20);
        }
        throw new Xunit.Sdk.XunitException($"Prediction {id} was never written to the log.");
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (int i = 0; i < 500 && !condition(); i++) await Task.Delay(10);
        Assert.True(condition(), "the requests never all reached the batchers");
    }
}
