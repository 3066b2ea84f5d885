using System.Text.Json;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Serving;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Monitoring.Tests.Reports;

/// <summary>
/// A binary classifier, a multi-label classifier and a regressor registered, served by the real server over OIP v2 and
/// <c>/models/{name}/predict</c> with their own answers, given feedback in their own label forms, and reported by the
/// monitor with their live metric (accuracy and positive-class F1; subset accuracy and micro F1; MAE and RMSE).
/// </summary>
public sealed class TaskServingEndToEndTests : IAsyncLifetime
{
    private MonitoringStore _store = null!;
    private PredictionLogWriter _log = null!;
    private ModelManager _models = null!;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        _store = await MonitoringStore.CreateAsync(withReference: false);
        // Weights chosen so each answer is known: the outputs are the two features (binary: their difference).
        await Register("churn", new TaskSpec(TaskKind.Binary, 0.5), ["stays", "leaves"], [[1, -1]], [0]);
        await Register("tags", new TaskSpec(TaskKind.MultiLabel, 0.5), ["red", "round"], [[1, 0], [0, 1]], [0, 0]);
        await Register("price", new TaskSpec(TaskKind.Regression, TargetNames: ["price"]), [], [[2, 1]], [0.5f]);
        _log = new PredictionLogWriter(_store.Store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(20)));
        _models = new ModelManager(_store.Registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        foreach (var name in new[] { "churn", "tags", "price" })
            await _models.LoadAsync(new ModelServeOptions($"{name}@1", MaxBatchSize: 8, MaxQueueDelay: TimeSpan.FromMilliseconds(1)));
        _app = LeptonServer.Build(new ServerOptions { NoAuth = true }, new ServerDependencies(_models, _store.Store, _log), b => b.WebHost.UseTestServer());
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        await _models.DisposeAsync();
        await _log.DisposeAsync();
        await _store.DisposeAsync();
    }

    private async Task Register(string name, TaskSpec task, string[] classes, float[][] weight, float[] bias)
    {
        var linear = new Linear(2, weight.Length, rng: new Generator(1));
        linear.LoadStateDict(new Dictionary<string, Tensor>
        {
            ["weight"] = Tensor.FromArray(weight.SelectMany(r => r).ToArray(), weight.Length, 2),
            ["bias"] = Tensor.FromArray(bias, bias.Length),
        });
        string dir = Path.Combine(Path.GetTempPath(), "lepton-task-serving", Guid.NewGuid().ToString("N"), name);
        ModelFile.Save(dir, new Sequential(linear), new ModelSpec { Input = new InputSpec("features", [-1, 2]), Task = task, ClassNames = classes });
        await _store.Registry.RegisterAsync(name, dir, null, null, "test");
    }

    private async Task<JsonElement> Infer(string model, float a, float b)
    {
        var response = await _client.PostAsync($"/v2/models/{model}/infer", new StringContent(
            $"{{\"inputs\":[{{\"name\":\"features\",\"shape\":[1,2],\"datatype\":\"FP32\",\"data\":[{a},{b}]}}]}}", System.Text.Encoding.UTF8, "application/json"));
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static JsonElement Output(JsonElement reply, string name) =>
        reply.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("name").GetString() == name);

    private async Task Feedback(string model, JsonElement reply, string label)
    {
        string id = reply.GetProperty("parameters").GetProperty("prediction_id").GetString()!;
        var response = await _client.PostAsync($"/v2/models/{model}/feedback",
            new StringContent($"{{\"prediction_id\":\"{id}\",\"label\":{label}}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<VersionReport> Report(string model)
    {
        var window = new MonitorWindow(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1));
        for (int i = 0; i < 200; i++)
        {
            var v = (await new ModelMonitor(_store.Registry).ReportAsync(model, window)).Versions.SingleOrDefault();
            if (v is not null && (v.Accuracy?.Labels ?? v.LiveError?.Labels ?? 0) == 2) return v;
            await Task.Delay(25); // the prediction log is written in the background
        }
        throw new Xunit.Sdk.XunitException($"the feedback of {model} never reached the monitor");
    }

    [Fact]
    public async Task ABinaryClassifierAnswersALabelWithItsProbabilityAndScoresFeedback()
    {
        var leaves = await Infer("churn", 3, 1); // logit 2: p = 0.88 ≥ 0.5
        Assert.Equal("leaves", Output(leaves, "label").GetProperty("data")[0].GetString());
        Assert.InRange(Output(leaves, "probability").GetProperty("data")[0].GetDouble(), 0.88, 0.881);
        var stays = await Infer("churn", 0, 2);
        Assert.Equal("stays", Output(stays, "label").GetProperty("data")[0].GetString());

        var predict = await _client.PostAsync("/models/churn/predict", new StringContent("{\"instances\":[[3,1]]}", System.Text.Encoding.UTF8, "application/json"));
        var row = JsonDocument.Parse(await predict.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions")[0];
        Assert.Equal("leaves", row.GetProperty("label").GetString());
        Assert.True(row.GetProperty("positive").GetBoolean());

        var bad = await _client.PostAsync("/v2/models/churn/feedback", new StringContent(
            $"{{\"prediction_id\":\"{leaves.GetProperty("parameters").GetProperty("prediction_id").GetString()}\",\"label\":\"maybe\"}}", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("unknown label \\\"maybe\\\"; the model's classes are stays, leaves", await bad.Content.ReadAsStringAsync());

        await Feedback("churn", leaves, "\"leaves\"");
        await Feedback("churn", stays, "\"leaves\"");
        var report = await Report("churn");
        Assert.Equal("binary", report.Task);
        Assert.Equal(0.5, report.Accuracy!.Accuracy);
    }

    [Fact]
    public async Task AMultiLabelClassifierAnswersItsLabelSetAndScoresFeedback()
    {
        var both = await Infer("tags", 2, 3);
        Assert.Equal("[\"red\",\"round\"]", Output(both, "labels").GetProperty("data")[0].GetString());
        Assert.Equal([1, 2], Output(both, "probabilities").GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()));
        var none = await Infer("tags", -2, -3);
        Assert.Equal("[]", Output(none, "labels").GetProperty("data")[0].GetString());

        await Feedback("tags", both, "[\"round\",\"red\"]");
        await Feedback("tags", none, "[\"round\"]");
        var report = await Report("tags");
        Assert.Equal("multilabel", report.Task);
        Assert.Equal(0.5, report.Accuracy!.Accuracy); // one exact set of two
        Assert.Equal(0.8, report.Accuracy.F1!.Value, 6); // micro: TP 2, FP 0, FN 1 → 4/5
    }

    [Fact]
    public async Task ARegressorAnswersNamedValuesAndReportsLiveError()
    {
        var a = await Infer("price", 1, 2); // 2·1 + 2 + 0.5 = 4.5
        Assert.Equal(4.5f, Output(a, "values").GetProperty("data")[0].GetSingle());
        var b = await Infer("price", 0, 1); // 1.5
        var predict = await _client.PostAsync("/models/price/predict", new StringContent("{\"instances\":[[1,2]]}", System.Text.Encoding.UTF8, "application/json"));
        var row = JsonDocument.Parse(await predict.Content.ReadAsStringAsync()).RootElement.GetProperty("predictions")[0];
        Assert.Equal(4.5, row.GetProperty("values").GetProperty("price").GetDouble());

        await Feedback("price", a, "5.5");
        await Feedback("price", b, "1.5");
        var report = await Report("price");
        Assert.Equal("regression", report.Task);
        Assert.Equal(0.5, report.LiveError!.Mae, 6);
        Assert.Equal(Math.Sqrt(0.5), report.LiveError.Rmse, 6);
    }
}
