using System.Globalization;
using System.Text.Json;
using Lepton.Data.Profiles;
using Lepton.Registry.Store;

namespace Lepton.Cli.Tests;

/// <summary><c>lepton monitor</c> on the fixture's LEPTON_HOME: a registered model whose logged traffic drifted.</summary>
[Collection("cli")]
public sealed class MonitorCommandTests(TrainedModelFixture fx)
{
    private const string Model = "watched";

    /// <summary>Registers the fixture's model as "watched" and logs 60 bright (mean 250) requests (drift rules need 50) and one failure a minute ago.</summary>
    private async Task<string> PrepareAsync()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        var reference = ReferenceProfile.Load(fx.ModelDir);
        Assert.NotNull(reference);
        await using var store = await RegistryStoreFactory.OpenAsync(null);
        if (await store.GetModelAsync(Model) is null)
        {
            var (code, _, err) = await CliRun.Invoke("models", "register", Model, "--from", fx.ModelDir);
            Assert.True(code == 0, err);
            var at = DateTimeOffset.UtcNow.AddSeconds(-60);
            string label = reference.ClassNames[0];
            var records = Enumerable.Range(0, 60).Select(i => new PredictionRecord($"watched-{i}", Model, 1, at.AddSeconds(i * 0.5), 2 + i, label,
                    string.Create(CultureInfo.InvariantCulture, $"{{\"mean\":{250 - i * 0.05},\"std\":1,\"min\":240,\"max\":255}}"),
                    $"{{\"label\":\"{label}\",\"index\":0,\"version\":\"1\",\"probabilities\":[]}}"))
                .Append(new PredictionRecord("watched-err", Model, 1, at.AddSeconds(30), 5, null, "{\"mean\":1,\"std\":1,\"min\":0,\"max\":2}",
                    "{\"error\":\"InvalidOperationException: boom\",\"version\":\"1\"}"));
            await store.AppendPredictionsAsync([.. records]);
            await store.RecordFeedbackAsync(new FeedbackRecord("watched-0", Model, label, DateTimeOffset.UtcNow.AddSeconds(-10), "test"));
        }
        return reference.ClassNames[0];
    }

    [Fact]
    public async Task Json_prints_the_report_with_drift_errors_accuracy_and_fired_alerts()
    {
        await PrepareAsync();
        var (code, stdout, err) = await CliRun.Invoke("monitor", Model, "--window", "10m", "--rule", "drift.psi > 0.2", "--rule", "error_rate > 50%", "--json");
        Assert.True(code == 0, err);
        var report = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(Model, report.GetProperty("model").GetString());
        var overall = report.GetProperty("overall");
        Assert.Equal((61, 1), (overall.GetProperty("requests").GetInt64(), overall.GetProperty("errors").GetInt64()));
        var v1 = report.GetProperty("versions")[0];
        Assert.Equal(1, v1.GetProperty("version").GetInt32());
        Assert.True(v1.GetProperty("input_drift").EnumerateArray().Single(d => d.GetProperty("statistic").GetString() == "mean").GetProperty("psi").GetDouble() > 0.2);
        Assert.Equal(1.0, v1.GetProperty("accuracy").GetProperty("accuracy").GetDouble());
        var alerts = report.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(2, alerts.Count); // drift on version 1 and pooled; the error rate (1 of 61) stays under 50%
        Assert.All(alerts, a => Assert.Equal("drift.psi > 0.2", a.GetProperty("rule").GetProperty("text").GetString()));
    }

    [Fact]
    public async Task The_table_lists_models_with_traffic_their_classes_and_alerts()
    {
        string label = await PrepareAsync();
        var (code, stdout, err) = await CliRun.Invoke("monitor", "--window", "10m", "--rule", "drift.psi > 0.2");
        Assert.True(code == 0, err);
        Assert.Contains(Model, stdout);
        Assert.Contains("input PSI (max)", stdout);
        Assert.Contains("8.283 (std)", stdout); // std 1 everywhere: all in the reference's lowest std bin
        Assert.Contains(label, stdout);
        Assert.Contains("ALERT", stdout);
        Assert.Contains("watched@1: drift.psi is", stdout);
    }

    [Theory]
    [InlineData("--rule", "drift.psy > 1", "'drift.psy' is not a known metric")]
    [InlineData("--window", "15", "is not a duration")]
    public async Task Bad_rules_and_windows_are_usage_errors(string option, string value, string message)
    {
        var (code, _, err) = await CliRun.Invoke("monitor", Model, option, value);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
    }
}
