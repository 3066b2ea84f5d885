using System.Text;
using Lepton.Data.Tables;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Runtime.Calibration;
using Lepton.Runtime.LightGbm;
using Lepton.Runtime.Tables;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// A calibrated table model served over HTTP: each answer is LightGBM's own probability (model.txt, as any LightGBM reads it) passed
/// through the folder's calibration.json, and its contributions say they explain the score before an isotonic calibration; from
/// client feedback, monitoring sees a model whose churners weighed five times overstate churn and the calibrated one answer the rate.
/// </summary>
public sealed class TableCalibrationServingTests : IAsyncLifetime
{
    private TempRegistry _temp = null!;

    private ModelRegistry _registry => _temp.Registry;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-calibration-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    [Fact]
    public async Task Server_AnswersLightGbmsProbabilityThroughTheCalibration()
    {
        await TableEndToEndTests.TrainChurnAsync(_registry, _temp.Root, r => r with { ClassWeight = "balanced", Calibrate = "isotonic" });
        string folder = Path.Combine(_temp.Root, "model");
        var rows = ChurnRow.Make(30, seed: 5);
        await using var served = await ServedTable.StartAsync(_registry, "churn@production");
        var answers = (await TableEndToEndTests.PredictAsync(served.Http, rows, contributions: true)).GetProperty("predictions").EnumerateArray().ToList();

        using var trees = LightGbmPredictor.Load(folder);
        var encoder = TableInputEncoder.TryLoad(folder, trees.Signature)!;
        var expected = trees.Probabilities(encoder.Encode([.. rows.Select(r => TableRowJson.Parse(r.Json())!)]));
        var calibration = ProbabilityCalibration.Load(folder)!;
        Assert.Equal("isotonic", calibration.Method);
        var uncalibrated = (double[])expected.Clone();
        calibration.ApplyAll(expected);
        Assert.NotEqual(uncalibrated, expected);
        for (int i = 0; i < rows.Count; i++)
        {
            Assert.True(Math.Abs(expected[i] - answers[i].GetProperty("probability").GetDouble()) <= 1e-6, $"row {i}: {expected[i]} vs {answers[i]}");
            Assert.Equal("before_calibration", answers[i].GetProperty("contributions").GetProperty("scale").GetString());
        }
    }

    [Fact]
    public async Task Monitor_MeasuresLiveCalibrationFromFeedback_AndTheGapRuleFiresForTheWeightedModel()
    {
        var rule = AlertRule.Parse("calibration.gap > 0.05 over 100 labels");
        async Task<LiveCalibration> ServeAndScoreAsync(Func<Training.Workflows.Tables.TabularRecipe, Training.Workflows.Tables.TabularRecipe> recipe, int seed)
        {
            string root = Path.Combine(_temp.Root, $"run-{seed}");
            Directory.CreateDirectory(root);
            var trained = await TableEndToEndTests.TrainChurnAsync(_registry, root, recipe);
            var classes = ModelSpec.FromJson(File.ReadAllText(Path.Combine(root, "model", ModelFile.SpecFileName))).ClassNames;
            await using var served = await ServedTable.StartAsync(_registry, "churn@production");
            var start = DateTimeOffset.UtcNow;
            var rows = ChurnRow.Make(300, seed: seed);
            var answers = (await TableEndToEndTests.PredictAsync(served.Http, rows, contributions: false)).GetProperty("predictions").EnumerateArray().ToList();
            string feedback = "[" + string.Join(",", answers.Select((a, i) =>
                $$"""{"prediction_id":"{{a.GetProperty("prediction_id").GetString()}}","label":"{{classes[rows[i].Churn == "yes" ? 1 : 0]}}"}""")) + "]";
            var sent = await served.Http.PostAsync("/v2/models/churn/feedback", new StringContent(feedback, Encoding.UTF8, "application/json"));
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
            await TableEndToEndTests.WaitForAsync(async () => await _registry.Store.CountPredictionsAsync("churn", start) >= 300);
            var report = await new ModelMonitor(_registry).ReportAsync("churn", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)), [rule]);
            var version = report.Versions.Single(v => v.Version == trained.Registered!.Version);
            Assert.Equal(rule.Holds(Math.Abs(version.Calibration!.Gap)), report.Alerts.Any(a => a.Version == version.Version));
            return version.Calibration!;
        }

        var weighted = await ServeAndScoreAsync(r => r with { ClassWeight = "yes=5" }, seed: 21);
        var calibrated = await ServeAndScoreAsync(r => r with { ClassWeight = "yes=5", Calibrate = "sigmoid" }, seed: 22);
        Assert.Equal(300, weighted.Labels);
        Assert.True(weighted.Gap > 0.05, $"weighted: mean {weighted.MeanProbability:F3} against rate {weighted.ObservedRate:F3}");
        Assert.True(Math.Abs(calibrated.Gap) < Math.Abs(weighted.Gap) / 2, $"calibrated: mean {calibrated.MeanProbability:F3} against rate {calibrated.ObservedRate:F3}");
        Assert.True(calibrated.Brier < weighted.Brier, $"{calibrated.Brier} vs {weighted.Brier}");
        Assert.Equal(10, calibrated.Bins.Count);
    }
}
