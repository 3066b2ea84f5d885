using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lepton.Data.Profiles;
using Lepton.Monitoring;
using Lepton.NN.Serialization;
using Lepton.Monitoring.Alerts;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.Store;
using Lepton.Serving;
using Lepton.Serving.Logging;
using Lepton.Serving.Models;
using Lepton.Training.Workflows.Tables;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// A CSV made here (identifier, missing values, a category, a date-time) imports, trains a tree model whose folder carries
/// encoders.json and a per-column reference, serves rows as JSON objects with contributions, logs the rows, and drifts visibly in
/// monitoring when one column is shifted: that column's PSI is high, the others stay low, and the per-feature alert fires.
/// </summary>
public sealed class TableEndToEndTests : IAsyncLifetime
{
    private TempRegistry _temp = null!;

    private ModelRegistry _registry => _temp.Registry;

    private string _root => _temp.Root;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-e2e-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    /// <summary>Imports the churn CSV and trains a seeded gbdt registered as churn@1 in production.</summary>
    internal static async Task<TrackedTabularOutcome> TrainChurnAsync(ModelRegistry registry, string root, Func<TabularRecipe, TabularRecipe>? adjust = null)
    {
        string csv = Path.Combine(root, "customers.csv");
        await File.WriteAllTextAsync(csv, ChurnRow.Csv(ChurnRow.Make(800, seed: 1)));
        var import = await TableDatasets.ImportAsync(registry.Store, registry.Artifacts, csv, "customers", new TableImportOptions(LabelColumn: "churn"), "test");
        var recipe = new TabularRecipe($"customers@{import.Version.Version}", "gbdt", Seed: 1, Threads: 1);
        var trained = await TrackedTabularTraining.RunAsync(adjust?.Invoke(recipe) ?? recipe,
            Path.Combine(root, "model"), registry, "churn", "test");
        await registry.PromoteAsync("churn", trained.Registered!.Version, "production", "test");
        return trained;
    }

    [Fact]
    public async Task Csv_Trains_ServesRowsWithContributions_AndOneShiftedColumnDrifts()
    {
        var trained = await TrainChurnAsync(_registry, _root);
        var reference = ReferenceProfile.Load(Path.Combine(_root, "model"))!.Table!;
        // The identifier is no feature; the date-time and the column with missing values are.
        Assert.Equal(["age", "plan", "signup", "monthly"], reference.Columns.Select(c => c.Name));
        Assert.InRange(reference.Columns.Single(c => c.Name == "age").MissingRate, 0.05, 0.15);

        await using var served = await ServedTable.StartAsync(_registry, "churn@production");
        var http = served.Http;

        // Rows like the training ones, with contributions: per raw column, summing to the logit of the answer.
        var start = DateTimeOffset.UtcNow;
        var first = await PredictAsync(http, ChurnRow.Make(20, seed: 2), contributions: true);
        foreach (var p in first.GetProperty("predictions").EnumerateArray())
        {
            double probability = p.GetProperty("probability").GetDouble();
            var c = p.GetProperty("contributions");
            var values = c.GetProperty("values").EnumerateObject().ToDictionary(v => v.Name, v => v.Value.GetDouble());
            Assert.Equal(["age", "plan", "signup", "monthly"], values.Keys);
            Assert.Equal(Math.Log(probability / (1 - probability)), c.GetProperty("bias").GetDouble() + values.Values.Sum(), 4);
        }
        Assert.Equal(["customer_id"], first.GetProperty("ignored_columns").EnumerateArray().Select(e => e.GetString()));
        // Clients report the truth for the first rows through the ordinary feedback endpoint: live accuracy for the table model.
        var classes = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_root, "model", ModelFile.SpecFileName))).ClassNames;
        var truth = ChurnRow.Make(20, seed: 2);
        var ids = first.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("prediction_id").GetString()).ToList();
        string feedback = "[" + string.Join(",", ids.Select((id, i) => $$"""{"prediction_id":"{{id}}","label":"{{classes[truth[i].Churn == "yes" ? 1 : 0]}}"}""")) + "]";
        var sent = await http.PostAsync("/v2/models/churn/feedback", new StringContent(feedback, Encoding.UTF8, "application/json"));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        for (int b = 0; b < 9; b++) await PredictAsync(http, ChurnRow.Make(20, seed: 10 + b), contributions: false);
        await WaitForAsync(async () => await _registry.Store.CountPredictionsAsync("churn", start) >= 200);
        var middle = DateTimeOffset.UtcNow;

        var monitor = new ModelMonitor(_registry);
        var calm = (await monitor.ReportAsync("churn", new MonitorWindow(start, middle))).Overall;
        Assert.Equal(4, calm.Features.Count);
        Assert.All(calm.Features, f => Assert.True(f.Psi < 0.2, $"{f.Column}: PSI {f.Psi:F3} on undrifted rows"));
        Assert.Equal(20, calm.Accuracy!.Labels);
        Assert.True(calm.Accuracy.Accuracy >= 0.7, $"live accuracy {calm.Accuracy.Accuracy:F3}");

        // The same rows with the monthly charge raised by 50: that column drifts, the others do not.
        await Task.Delay(20);
        var shiftedFrom = DateTimeOffset.UtcNow;
        for (int b = 0; b < 10; b++) await PredictAsync(http, ChurnRow.Make(20, seed: 30 + b, chargeShift: 50), contributions: false);
        await WaitForAsync(async () => await _registry.Store.CountPredictionsAsync("churn", shiftedFrom) >= 200);
        var rules = new[] { AlertRule.Parse("drift.psi.feature.monthly > 0.5"), AlertRule.Parse("drift.ks.feature.max > 0.5"), AlertRule.Parse("drift.psi.feature.plan > 0.5") };
        var report = await monitor.ReportAsync("churn", new MonitorWindow(shiftedFrom, DateTimeOffset.UtcNow.AddSeconds(1)), rules);
        var drift = report.Overall.Features.ToDictionary(f => f.Column);
        Assert.True(drift["monthly"].Psi > 1, $"monthly PSI {drift["monthly"].Psi:F3}");
        Assert.True(drift["monthly"].KsStatistic > 0.5, $"monthly KS {drift["monthly"].KsStatistic:F3}");
        foreach (var other in new[] { "age", "plan", "signup" }) Assert.True(drift[other].Psi < 0.2, $"{other}: PSI {drift[other].Psi:F3}");
        Assert.NotNull(drift["plan"].ChiSquarePValue);
        Assert.Contains(report.Alerts, a => a.Rule.Metric == "drift.psi.feature.monthly");
        Assert.Contains(report.Alerts, a => a.Rule.Metric == "drift.ks.feature.max");
        Assert.DoesNotContain(report.Alerts, a => a.Rule.Metric == "drift.psi.feature.plan");
        Assert.True(trained.Outcome.TestMetrics.Count == 0 || trained.Outcome.TestMetrics.Values.All(double.IsFinite));
    }

    [Fact]
    public async Task AColumnKeptOutOfTraining_IsLoggedNotRead_AndMonitoringComparesTheAnswersAcrossItsGroups()
    {
        await TrainChurnAsync(_registry, _root, r => r with { Exclude = "plan" });
        var spec = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "model", ModelFile.SpecFileName)))!;
        Assert.Equal(["plan"], spec["metadata"]!["excluded"]!.AsArray().Select(n => n!.GetValue<string>()));
        await using var served = await ServedTable.StartAsync(_registry, "churn@production");
        var http = served.Http;
        var start = DateTimeOffset.UtcNow;
        // plan is not read (no contribution, not echoed as ignored) but kept in the log; the identifier is ignored as before.
        var first = await PredictAsync(http, ChurnRow.Make(20, seed: 2), contributions: true);
        Assert.Equal(["customer_id"], first.GetProperty("ignored_columns").EnumerateArray().Select(e => e.GetString()));
        Assert.DoesNotContain("plan", first.GetProperty("predictions")[0].GetProperty("contributions").GetProperty("values").EnumerateObject().Select(p => p.Name));
        for (int b = 0; b < 9; b++) await PredictAsync(http, ChurnRow.Make(20, seed: 10 + b), contributions: false);
        await WaitForAsync(async () => await _registry.Store.CountPredictionsAsync("churn", start) >= 200);
        var logged = await _registry.Store.ListPredictionsAsync("churn", start, 1);
        Assert.Contains("\"plan\":", logged[0].RawInputJson);

        var report = await new ModelMonitor(_registry).ReportAsync("churn", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)), null,
            new Lepton.Runtime.Tables.GroupOptions(["plan"]));
        var plan = report.Overall.Groups.Single();
        Assert.Equal(["basic", "pro", "team"], plan.Groups.Select(g => g.Group).Order());
        Assert.Equal(200, plan.Groups.Sum(g => g.Requests));
        Assert.NotNull(plan.SelectionRatio);
        // The drift reference covers what the model reads; the kept column is not one of its features.
        Assert.DoesNotContain(report.Overall.Features, f => f.Column == "plan");
    }

    // Customers weighted by their monthly charge (revenue at stake): the weight is not read by the served model, but kept in the log
    // when sent, so feedback rows carry it.
    [Fact]
    public async Task AWeightColumn_IsLoggedNotRead()
    {
        await TrainChurnAsync(_registry, _root, r => r with { WeightColumn = "monthly" });
        var spec = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_root, "model", ModelFile.SpecFileName)))!;
        Assert.Equal("monthly", spec["metadata"]!["weight_column"]!.GetValue<string>());
        await using var served = await ServedTable.StartAsync(_registry, "churn@production");
        var start = DateTimeOffset.UtcNow;
        var answer = await PredictAsync(served.Http, ChurnRow.Make(5, seed: 2), contributions: true);
        Assert.DoesNotContain("monthly", answer.GetProperty("predictions")[0].GetProperty("contributions").GetProperty("values").EnumerateObject().Select(p => p.Name));
        Assert.DoesNotContain("monthly", answer.GetProperty("ignored_columns").EnumerateArray().Select(e => e.GetString()));
        await WaitForAsync(async () => await _registry.Store.CountPredictionsAsync("churn", start) >= 5);
        Assert.Contains("\"monthly\":", (await _registry.Store.ListPredictionsAsync("churn", start, 1))[0].RawInputJson);
        // Feedback on those rows: the monitor scores them as the loss counted them, each its monthly charge.
        var rows = ChurnRow.Make(5, seed: 2);
        var classes = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_root, "model", ModelFile.SpecFileName))).ClassNames;
        var predictions = answer.GetProperty("predictions").EnumerateArray().ToList();
        string feedback = "[" + string.Join(",", predictions.Select((p, i) =>
            $$"""{"prediction_id":"{{p.GetProperty("prediction_id").GetString()}}","label":"{{classes[rows[i].Churn == "yes" ? 1 : 0]}}"}""")) + "]";
        var sent = await served.Http.PostAsync("/v2/models/churn/feedback", new StringContent(feedback, Encoding.UTF8, "application/json"));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        double right = predictions.Select((p, i) => p.GetProperty("label").GetString() == classes[rows[i].Churn == "yes" ? 1 : 0] ? rows[i].Monthly : 0).Sum();
        var weighted = (await new ModelMonitor(_registry).ReportAsync("churn", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)))).Overall.Weighted!;
        Assert.Equal(("monthly", 5), (weighted.Column, weighted.Labels));
        Assert.Equal(right / rows.Sum(r => r.Monthly), weighted.Accuracy!.Value, 9);
    }

    [Fact]
    public async Task RegressionTable_ServesValuesWithContributions_AndMonitorsItsPredictions()
    {
        // The monthly charge as the target: a regressor on age, plan, signup and whether the customer churned.
        string csv = Path.Combine(_root, "charges.csv");
        await File.WriteAllTextAsync(csv, ChurnRow.Csv(ChurnRow.Make(600, seed: 3)).Replace(",churn\n", ",churned\n"));
        var import = await TableDatasets.ImportAsync(_registry.Store, _registry.Artifacts, csv, "charges", new TableImportOptions(LabelColumn: "monthly", Task: Lepton.Data.Tables.Schema.TableTask.Regression), "test");
        var trained = await TrackedTabularTraining.RunAsync(new TabularRecipe($"charges@{import.Version.Version}", "gbdt", Seed: 1, Threads: 1),
            Path.Combine(_root, "charges-model"), _registry, "charges", "test");
        await _registry.PromoteAsync("charges", trained.Registered!.Version, "production", "test");
        Assert.NotNull(ReferenceProfile.Load(Path.Combine(_root, "charges-model"))!.Table!.Predictions);

        await using var served = await ServedTable.StartAsync(_registry, "charges@production");
        var http = served.Http;
        var start = DateTimeOffset.UtcNow;
        var body = new StringContent($"{{\"instances\":[{string.Join(",", ChurnRow.Make(60, seed: 4).Select(r => r.Json()))}]}}", Encoding.UTF8, "application/json");
        var response = await http.PostAsync("/models/charges/predict?contributions=true", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        foreach (var p in JsonDocument.Parse(text).RootElement.GetProperty("predictions").EnumerateArray())
        {
            var c = p.GetProperty("contributions");
            double sum = c.GetProperty("bias").GetDouble() + c.GetProperty("values").EnumerateObject().Sum(v => v.Value.GetDouble());
            Assert.Equal(p.GetProperty("value").GetDouble(), sum, 3);
        }
        await WaitForAsync(async () => await _registry.Store.CountPredictionsAsync("charges", start) >= 60);
        var report = (await new ModelMonitor(_registry).ReportAsync("charges", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)))).Overall;
        Assert.NotNull(report.PredictionValueDrift);
        Assert.Equal(["age", "plan", "signup", "churned"], report.Features.Select(f => f.Column));
    }

    [Fact]
    public async Task Explain_VariesOneColumnOfARow_OverItsTrainingValues_AndSaysWhereTheDecisionFlips()
    {
        await TrainChurnAsync(_registry, _root, r => r with { Monotone = "monthly=increasing" });
        await using var models = new ModelManager(_registry, new ModelManagerOptions(AliasPollInterval: Timeout.InfiniteTimeSpan));
        await models.LoadAsync(new ModelServeOptions("churn@production"));
        await using var app = LeptonServer.Build(new ServerOptions { NoAuth = true, EnableSwagger = false }, new ServerDependencies(models, null),
            b => b.WebHost.UseTestServer());
        await app.StartAsync();
        var http = app.GetTestClient();
        // Churn follows the monthly charge (held increasing here), so one customer's answer rises along it.
        const string row = """{"instances": [{"age": 25, "plan": "pro", "signup": "2022-03-01T00:00:00Z", "monthly": 30}]}""";
        async Task<(int Status, JsonElement Body)> Explain(string query)
        {
            var response = await http.PostAsync($"/models/churn/explain{query}", new StringContent(row, Encoding.UTF8, "application/json"));
            return ((int)response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
        }

        var (status, body) = await Explain("?vary=monthly");
        Assert.True(status == 200, body.ToString());
        var vary = body.GetProperty("vary");
        var grid = vary.GetProperty("grid").EnumerateArray().Select(v => v.GetDouble()).ToList();
        var answers = vary.GetProperty("outputs")[0].GetProperty("answers").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(20, grid.Count);
        Assert.InRange(grid[0], 20, 30);
        Assert.InRange(grid[^1], 70, 80);
        Assert.Equal(answers.Order(), answers);
        Assert.True(answers[^1] - answers[0] > 0.2, vary.ToString());
        Assert.Equal(0.5, vary.GetProperty("threshold").GetDouble());
        var flips = vary.GetProperty("flips").EnumerateArray().ToList();
        Assert.Equal(answers.Zip(answers.Skip(1)).Count(p => p.First >= 0.5 != p.Second >= 0.5), flips.Count);
        Assert.All(flips, f => Assert.True(f.GetProperty("rises").GetBoolean()));
        Assert.True(body.TryGetProperty("contributions", out _));

        (status, body) = await Explain("?vary=plan");
        Assert.Equal(200, status);
        Assert.Equal(["basic", "pro", "team"], body.GetProperty("vary").GetProperty("values").EnumerateArray().Select(v => v.GetString()).Order());
        (status, body) = await Explain("?vary=signup");
        Assert.Equal(200, status);
        Assert.Matches("^20[0-9]{2}-[0-9]{2}-[0-9]{2}$", body.GetProperty("vary").GetProperty("values")[0].GetString());
        (status, body) = await Explain("?vary=customer_id");
        Assert.Equal(400, status);
        Assert.Contains("reads no column 'customer_id'; it can sweep age, plan, signup, monthly", body.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(_root, body.ToString(), StringComparison.Ordinal);
    }

    internal static async Task<JsonElement> PredictAsync(HttpClient http, IReadOnlyList<ChurnRow> rows, bool contributions)
    {
        var body = new StringContent($"{{\"instances\":[{string.Join(",", rows.Select(r => r.Json()))}]}}", Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await http.PostAsync($"/models/churn/predict{(contributions ? "?contributions=true" : "")}", body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    internal static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        for (int i = 0; i < 200; i++)
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail("The condition did not become true within 10 s.");
    }
}
