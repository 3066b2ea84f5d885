using System.Text.Json;
using Lepton.Engine;
using Lepton.NN;
using Lepton.NN.Layers;
using Lepton.NN.Serialization;
using Lepton.Registry.Store;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton monitor</c> on models whose task is not multiclass: the live metric shown is the task's own.</summary>
[Collection("cli")]
public sealed class MonitorTaskCommandTests(TrainedModelFixture fx)
{
    /// <summary>
    /// Registers <paramref name="model"/> (a one-layer model saved with <paramref name="task"/>) and logs one prediction per row a
    /// minute ago, each labelled with its truth.
    /// </summary>
    private Task PrepareAsync(string model, TaskSpec task, string[] classNames, int outputs, params (string Label, string Truth)[] rows) =>
        PrepareRowsAsync(model, task, classNames, outputs, null, [.. rows.Select(r => (r.Label, r.Truth, (string?)null))]);

    /// <summary>As <see cref="PrepareAsync"/>, the model.json carrying <paramref name="metadata"/> and each prediction its logged table row (JSON).</summary>
    private async Task PrepareRowsAsync(string model, TaskSpec task, string[] classNames, int outputs, System.Text.Json.Nodes.JsonObject? metadata,
        params (string Label, string Truth, string? Row)[] rows)
    {
        await using var store = await RegistryStoreFactory.OpenAsync(null);
        if (await store.GetModelAsync(model) is not null) return;
        string dir = Path.Combine(fx.Root, model);
        ModelFile.Save(dir, new Sequential(new Flatten(), new Linear(4, outputs, rng: new Generator(5))),
            new ModelSpec { Input = new InputSpec("image", [-1, 1, 2, 2]), Task = task, ClassNames = classNames, Metadata = metadata });
        var (code, _, err) = await CliRun.Invoke("models", "register", model, "--from", dir);
        Assert.True(code == 0, err);
        var at = DateTimeOffset.UtcNow.AddSeconds(-60);
        await store.AppendPredictionsAsync([.. rows.Select((r, i) => new PredictionRecord($"{model}-{i}", model, 1, at.AddSeconds(i), 3, r.Label,
            r.Row is null ? "{}" : "{\"table_row\":true}", JsonSerializer.Serialize(new { label = r.Label, version = "1" }), r.Row))]);
        for (int i = 0; i < rows.Length; i++)
            await store.RecordFeedbackAsync(new FeedbackRecord($"{model}-{i}", model, rows[i].Truth, DateTimeOffset.UtcNow.AddSeconds(-10), "test"));
    }

    /// <summary>A yes/no table model's 200 answers a minute ago: renters get "yes" 1 time in 5, owners 3 times in 5.</summary>
    private async Task ApprovalsAsync()
    {
        await using var store = await RegistryStoreFactory.OpenAsync(null);
        if (await store.GetModelAsync("approvals") is not null) return;
        string dir = Path.Combine(fx.Root, "approvals");
        ModelFile.Save(dir, new Sequential(new Flatten(), new Linear(4, 1, rng: new Generator(5))),
            new ModelSpec { Input = new InputSpec("image", [-1, 1, 2, 2]), Task = new TaskSpec(TaskKind.Binary), ClassNames = ["no", "yes"] });
        var (code, _, err) = await CliRun.Invoke("models", "register", "approvals", "--from", dir);
        Assert.True(code == 0, err);
        var at = DateTimeOffset.UtcNow.AddSeconds(-60);
        await store.AppendPredictionsAsync([.. Enumerable.Range(0, 200).Select(i =>
        {
            bool rent = i % 2 == 0;
            string label = (rent ? i % 10 == 0 : i % 10 is 1 or 3 or 5) ? "yes" : "no";
            return new PredictionRecord($"approvals-{i}", "approvals", 1, at.AddMilliseconds(i), 3, label, "{\"table_row\":true}",
                JsonSerializer.Serialize(new { label, version = "1" }), $$"""{"home":"{{(rent ? "rent" : "own")}}"}""");
        })]);
    }

    [Fact]
    public async Task Monitor_groups_show_each_groups_selection_rate_and_the_selection_ratio_rule_fires()
    {
        await ApprovalsAsync();
        var (code, stdout, err) = await CliRun.Invoke("monitor", "approvals", "--window", "10m", "--groups", "home", "--rule", "selection_ratio < 0.8");
        Assert.True(code == 0, err);
        string text = System.Text.RegularExpressions.Regex.Replace(stdout, "\\s+", " ");
        Assert.Contains("'yes' by home", text);
        Assert.Contains("selection ratio 0.333 (under 0.8: fails the four-fifths rule)", text);
        Assert.Contains("ALERT", text);
        (code, stdout, err) = await CliRun.Invoke("monitor", "approvals", "--window", "10m", "--groups", "home", "--favorable", "no", "--json");
        Assert.True(code == 0, err);
        var groups = JsonDocument.Parse(stdout).RootElement.GetProperty("overall").GetProperty("groups")[0];
        Assert.Equal("no", groups.GetProperty("favorable").GetString());
        Assert.Equal(0.5, groups.GetProperty("selection_ratio").GetDouble(), 12); // "no": renters 80%, owners 40%
        (code, _, err) = await CliRun.Invoke("monitor", "approvals", "--window", "10m", "--rule", "selection_ratio < 0.8");
        Assert.Equal(2, code);
        Assert.Contains("The selection_ratio rule reads the groups of --groups", err);
    }

    /// <summary>A claim-frequency regressor trained with exposures as weights: (predicted, true, exposure) (1, 2, 0.5) (2, 2, 1) (4, 1, 2).</summary>
    private Task WeightedClaimsAsync() => PrepareRowsAsync("claimsw", new TaskSpec(TaskKind.Regression) { Loss = "poisson" }, [], 1,
        new System.Text.Json.Nodes.JsonObject { ["weight_column"] = "exposure" },
        ("1", "2", """{"exposure":0.5}"""), ("2", "2", """{"exposure":1}"""), ("4", "1", """{"exposure":2}"""));

    [Fact]
    public async Task Monitor_a_weight_column_regressor_shows_its_weighted_scores_and_fires_a_weighted_rule()
    {
        await WeightedClaimsAsync();
        var (code, stdout, err) = await CliRun.Invoke("monitor", "claimsw", "--window", "10m", "--rule", "live.weighted_error > 1 over 3 labels");
        Assert.True(code == 0, err);
        string text = System.Text.RegularExpressions.Regex.Replace(stdout, "\\s+", " ");
        Assert.Contains("weighted by exposure", text);
        Assert.Contains("Poisson deviance", text);
        Assert.Contains("live.weighted_error is 1.95", text);
        (code, stdout, err) = await CliRun.Invoke("monitor", "claimsw", "--window", "10m", "--json");
        Assert.True(code == 0, err);
        var weighted = JsonDocument.Parse(stdout).RootElement.GetProperty("overall").GetProperty("weighted");
        Assert.Equal(("exposure", 3), (weighted.GetProperty("column").GetString(), weighted.GetProperty("labels").GetInt32()));
        Assert.Equal((0.5 * 1 + 2 * 3) / 3.5, weighted.GetProperty("mae").GetDouble(), 6);
    }

    /// <summary>A one-target regressor: errors -0.5, 0, 2 (MAE 2.5/3, RMSE sqrt(4.25/3)), and a truth that is not a number.</summary>
    private Task RegressorAsync() => PrepareAsync("priced", new TaskSpec(TaskKind.Regression), [], 1,
        ("2.5", "3"), ("4", "4"), ("1", "-1"), ("2", "n/a"));

    /// <summary>Multi-label (red, large): one exact set of three; micro F1 = 2 TP / (predicted + true) = 2 * 2 / (3 + 3).</summary>
    private Task MultiLabelAsync() => PrepareAsync("tagged", new TaskSpec(TaskKind.MultiLabel), ["red", "large"], 2,
        ("[\"red\",\"large\"]", "[\"red\"]"), ("[]", "[\"large\"]"), ("[\"large\"]", "[\"large\"]"));

    [Fact]
    public async Task The_table_shows_the_live_error_of_a_regressor()
    {
        await RegressorAsync();
        var (code, stdout, err) = await CliRun.Invoke("monitor", "priced", "--window", "10m", "--rule", "live.mae > 0.5");
        Assert.True(code == 0, err);
        Assert.Contains("0.8333 (3)", stdout); // the traffic table's headline: MAE (labels)
        // "at or under": of the true values 3, 4 and -1, the predictions 2.5, 4 and 1 cover two.
        Assert.Contains("│ version │ labels │    MAE │   RMSE │ at or under │ skipped │", stdout);
        Assert.Contains("│ 1       │      3 │ 0.8333 │ 1.1902 │       66.7% │       1 │", stdout);
        Assert.Contains("priced@1: live.mae is 0.8333 on 3 labels", stdout);
    }

    [Fact]
    public async Task Json_carries_the_task_live_error_and_skipped_labels_of_a_regressor()
    {
        await RegressorAsync();
        var (code, stdout, err) = await CliRun.Invoke("monitor", "priced", "--window", "10m", "--json");
        Assert.True(code == 0, err);
        var v1 = JsonDocument.Parse(stdout).RootElement.GetProperty("versions")[0];
        Assert.Equal("regression", v1.GetProperty("task").GetString());
        Assert.Equal(1, v1.GetProperty("skipped_labels").GetInt32());
        Assert.Equal(JsonValueKind.Null, v1.GetProperty("accuracy").ValueKind);
        var error = v1.GetProperty("live_error");
        Assert.Equal(3, error.GetProperty("labels").GetInt32());
        Assert.Equal(2.5 / 3, error.GetProperty("mae").GetDouble(), 12);
        Assert.Equal(Math.Sqrt(4.25 / 3), error.GetProperty("rmse").GetDouble(), 12);
        Assert.Equal(2.0 / 3, error.GetProperty("coverage").GetDouble(), 12);
        Assert.Equal("value", error.GetProperty("targets")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task The_table_and_json_show_micro_f1_of_a_multilabel_model()
    {
        await MultiLabelAsync();
        var (code, stdout, err) = await CliRun.Invoke("monitor", "tagged", "--window", "10m", "--rule", "live.f1 < 0.9");
        Assert.True(code == 0, err);
        Assert.Contains("micro F1", stdout);
        Assert.Contains("0.667 (3)", stdout);
        Assert.Contains("subset", stdout);
        Assert.Contains("33.3%", stdout);
        Assert.Contains("tagged@1: live.f1 is 0.6667 on 3 labels", stdout);

        (code, stdout, err) = await CliRun.Invoke("monitor", "tagged", "--window", "10m", "--json");
        Assert.True(code == 0, err);
        var accuracy = JsonDocument.Parse(stdout).RootElement.GetProperty("overall").GetProperty("accuracy");
        Assert.Equal(2.0 / 3, accuracy.GetProperty("f1").GetDouble(), 12);
        Assert.Equal(1.0 / 3, accuracy.GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(["red", "large"], accuracy.GetProperty("classes").EnumerateArray().Select(c => c.GetProperty("name").GetString()));
    }
}
