using System.Text;
using System.Text.Json;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Serving;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Lepton.Training.Classic.Mlp;
using Lepton.Training.Workflows.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// The tabular MLP through the whole line: trained on the churn CSV (missing ages imputed by the linear encoders), registered,
/// served by the ordinary <c>lepton</c> predictor kind from row objects, its predictions logged for monitoring, and explained by
/// integrated gradients whose per-column values add up to the served logit.
/// </summary>
public sealed class TableMlpServingTests : IAsyncLifetime
{
    private TempRegistry _temp = null!;

    private ModelRegistry Registry => _temp.Registry;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-mlp-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task Mlp_ServesRowObjects_LogsThem_AndExplainsByIntegratedGradients()
    {
        string csv = Path.Combine(_temp.Root, "customers.csv");
        await File.WriteAllTextAsync(csv, ChurnRow.Csv(ChurnRow.Make(400, seed: 1)));
        var import = await TableDatasets.ImportAsync(Registry.Store, Registry.Artifacts, csv, "customers", new TableImportOptions(LabelColumn: "churn"), "test");
        var recipe = new TabularRecipe($"customers@{import.Version.Version}", "mlp", Seed: 1, Mlp: new TabularMlpOptions { Members = 2, MaxEpochs = 60 });
        var trained = await TrackedTabularTraining.RunAsync(recipe, Path.Combine(_temp.Root, "model"), Registry, "churn-mlp", "test");
        Assert.Equal("mlp", trained.Outcome.Learner);
        await Registry.PromoteAsync("churn-mlp", trained.Registered!.Version, "production", "test");

        await using var models = new ModelManager(Registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await models.LoadAsync(new ModelServeOptions("churn-mlp@production"));
        await using var log = new PredictionLogWriter(Registry.Store, new PredictionLogOptions(FlushInterval: TimeSpan.FromMilliseconds(50)));
        await using var app = LeptonServer.Build(new ServerOptions { NoAuth = true, EnableSwagger = false }, new ServerDependencies(models, null, log),
            b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var http = app.GetTestClient();
        var start = DateTimeOffset.UtcNow;

        // Rows as clients send them (the id ignored, an age left null): each answer's contributions add up to its logit.
        var rows = ChurnRow.Make(30, seed: 2);
        var body = new StringContent($"{{\"instances\":[{string.Join(",", rows.Select(r => r.Json()))}]}}", Encoding.UTF8, "application/json");
        var response = await http.PostAsync("/models/churn-mlp/predict?contributions=true", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var predictions = JsonDocument.Parse(text).RootElement.GetProperty("predictions").EnumerateArray().ToList();
        Assert.Equal(30, predictions.Count);
        int right = 0;
        for (int i = 0; i < predictions.Count; i++)
        {
            var p = predictions[i];
            double probability = p.GetProperty("probability").GetDouble();
            var c = p.GetProperty("contributions");
            var values = c.GetProperty("values").EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetDouble());
            Assert.Equal(["age", "plan", "signup", "monthly"], values.Keys);
            // Within 1e-3: the probability travels as float32, whose logit near p = 0.999 is good to about 1e-4 (a rounding to
            // 3 decimals could still split two such values).
            Assert.Equal(Math.Log(probability / (1 - probability)), c.GetProperty("bias").GetDouble() + values.Values.Sum(), 1e-3);
            // The label answers in the data's own words.
            if ((p.GetProperty("label").GetString() == "yes") == (rows[i].Churn == "yes")) right++;
        }
        Assert.True(right >= 24, $"{right}/30 served answers right");

        // One row through /explain: the method named, the same numbers as /predict gave that row.
        var explain = await http.PostAsync("/models/churn-mlp/explain",
            new StringContent($"{{\"instances\":[{rows[0].Json()}]}}", Encoding.UTF8, "application/json"));
        string explained = await explain.Content.ReadAsStringAsync();
        Assert.True(explain.IsSuccessStatusCode, explained);
        var e = JsonDocument.Parse(explained).RootElement;
        Assert.Equal("integrated-gradients", e.GetProperty("method").GetString());
        var first = predictions[0].GetProperty("contributions").GetProperty("values");
        foreach (var v in e.GetProperty("contributions").GetProperty("values").EnumerateObject())
            Assert.Equal(first.GetProperty(v.Name).GetDouble(), v.Value.GetDouble(), 9);

        // The served rows reach the prediction log that monitoring and the loop read.
        await TableEndToEndTests.WaitForAsync(async () => await Registry.Store.CountPredictionsAsync("churn-mlp", start) >= 30);
    }
}
