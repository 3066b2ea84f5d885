using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Splits;
using Lepton.Monitoring;
using Lepton.Monitoring.Alerts;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Runtime.Conformal;
using Lepton.Training.Classic;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// Conformal intervals from training to monitoring: a price regressor trained with <c>Intervals = 0.9</c> keeps intervals.json beside
/// LightGBM's model.txt, the server answers each row's interval (and OIP's <c>lower</c>/<c>upper</c>), and from client feedback
/// monitoring measures how often they held: about 90% on rows like the training ones, far less once prices rise, which the
/// <c>interval.coverage</c> rule catches. A calibrated churn classifier answers prediction sets read from its calibrated probabilities.
/// </summary>
public sealed class TableIntervalsServingTests : IAsyncLifetime
{
    private static readonly string[] Districts = ["north", "south", "east"];

    private TempRegistry _temp = null!;

    private ModelRegistry Registry => _temp.Registry;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-intervals-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    // Prices of 3 €/m² plus a district premium, noise growing with the size (so a constant width over-covers small homes).
    private static List<(double Size, string District, double Price)> Homes(int count, int seed, double inflation = 1)
    {
        var rng = new Random(seed);
        var rows = new List<(double, string, double)>();
        for (int i = 0; i < count; i++)
        {
            double size = Math.Round(20 + rng.NextDouble() * 80, 1);
            int d = rng.Next(3);
            double noise = (rng.NextDouble() + rng.NextDouble() - 1) * size * 0.3;
            rows.Add((size, Districts[d], Math.Round((3 * size + 25 * d + noise) * inflation, 2)));
        }
        return rows;
    }

    private async Task<TrackedTabularOutcome> TrainPricesAsync(string? loss, double level, string? method = null, string model = "gbdt")
    {
        string csv = Path.Combine(_temp.Root, "prices.csv");
        await File.WriteAllLinesAsync(csv, ["size,district,price", .. Homes(1200, 1).Select(r => string.Create(CultureInfo.InvariantCulture, $"{r.Size},{r.District},{r.Price}"))]);
        var import = await TableDatasets.ImportAsync(Registry.Store, Registry.Artifacts, csv, "prices", new TableImportOptions("price", Data.Tables.Schema.TableTask.Regression), "test");
        var split = await TableDatasets.SplitAsync(Registry.Store, Registry.Artifacts, import.Version, new TableSplitOptions(Test: 0.25, Validation: 0.25), "test");
        var trained = await TrackedTabularTraining.RunAsync(new TabularRecipe($"prices@{split.Version.Version}", model, Seed: 1, Threads: 1) { Loss = loss, Intervals = level, IntervalsMethod = method },
            Path.Combine(_temp.Root, "model"), Registry, "prices", "test");
        await Registry.PromoteAsync("prices", trained.Registered!.Version, "production", "test");
        return trained;
    }

    [Fact]
    public async Task Regressor_ServesIntervalsThatHoldAtTheLevel_AndMonitoringSeesThemFailWhenPricesRise()
    {
        var trained = await TrainPricesAsync(null, 0.9);
        var model = Assert.IsType<ConformalTabularModel>(trained.Outcome.Model);
        Assert.Equal("absolute", model.Intervals.Score);
        Assert.Equal("the validation split", model.Intervals.Source);
        var metrics = trained.Outcome.TestMetrics;
        Assert.InRange(metrics["test_interval_coverage"], 0.85, 0.96);
        Assert.Equal(2 * model.Intervals.Quantile, metrics["test_interval_width"], 6);
        string folder = Path.Combine(_temp.Root, "model");
        Assert.Equal(model.Intervals, ConformalIntervals.Load(folder));
        Assert.True(File.Exists(Path.Combine(folder, "model.txt")));
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(folder, ModelFile.SpecFileName)));
        Assert.Equal("absolute", spec.Metadata!["intervals"]!["score"]!.GetValue<string>());

        await using var served = await ServedTable.StartAsync(Registry, "prices@production");
        var rule = AlertRule.Parse("interval.coverage < 0.8 over 100 labels");
        async Task<VersionReport> ServeAsync(List<(double Size, string District, double Price)> homes)
        {
            var start = DateTimeOffset.UtcNow;
            var answers = (await PostAsync(served.Http, "/models/prices/predict", Instances(homes))).GetProperty("predictions").EnumerateArray().ToList();
            for (int i = 0; i < homes.Count; i++)
            {
                double value = answers[i].GetProperty("value").GetDouble();
                var interval = answers[i].GetProperty("interval");
                var (lower, upper) = model.Intervals.Interval(value);
                Assert.Equal(0.9, interval.GetProperty("level").GetDouble());
                Near(lower, interval.GetProperty("lower").GetDouble());
                Near(upper, interval.GetProperty("upper").GetDouble());
            }
            string feedback = "[" + string.Join(",", answers.Select((a, i) =>
                $$"""{"prediction_id":"{{a.GetProperty("prediction_id").GetString()}}","label":{{homes[i].Price.ToString("R", CultureInfo.InvariantCulture)}}}""")) + "]";
            var sent = await served.Http.PostAsync("/v2/models/prices/feedback", new StringContent(feedback, Encoding.UTF8, "application/json"));
            Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
            await TableEndToEndTests.WaitForAsync(async () => await Registry.Store.CountPredictionsAsync("prices", start) >= homes.Count);
            var report = await new ModelMonitor(Registry).ReportAsync("prices", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)), [rule]);
            Assert.Equal(rule.Holds(report.Overall.Coverage!.Coverage), report.Alerts.Count > 0);
            return report.Overall;
        }

        var alike = await ServeAsync(Homes(300, 11));
        Assert.Equal(300, alike.Coverage!.Labels);
        Assert.True(alike.Coverage.Coverage is > 0.84 and < 0.96, $"coverage {alike.Coverage.Coverage:F3}, test {metrics["test_interval_coverage"]:F3}, validation {metrics.GetValueOrDefault("validation_interval_coverage"):F3}, q {model.Intervals.Quantile:F3}, rows {model.Intervals.Rows}");
        Near(2 * model.Intervals.Quantile, alike.Coverage.MeanWidth!.Value);
        var start = DateTimeOffset.UtcNow;
        var inflated = await ServeAsync(Homes(300, 8, inflation: 1.25));
        Assert.True(inflated.Coverage!.Coverage < 0.6, $"coverage after a 25% rise: {inflated.Coverage.Coverage:F3}");
        Assert.True(inflated.Coverage.Shortfall > 0.3);
        // The dashboard's timeline carries it, against the level.
        var timeline = await new ModelMonitor(Registry).TimelineAsync("prices", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)), 1);
        Assert.Equal((inflated.Coverage.Coverage, 0.9), timeline.Single().Coverage);

        // OIP: the bounds as two more outputs, listed in the model's metadata.
        var infer = await PostAsync(served.Http, "/v2/models/prices/infer", """
            {"inputs":[{"name":"size","shape":[1],"datatype":"FP64","data":[50]},{"name":"district","shape":[1],"datatype":"BYTES","data":["south"]}]}
            """);
        var outputs = infer.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data")[0].GetDouble());
        Near(model.Intervals.Interval(outputs["values"]).Lower, outputs["lower"]);
        Near(model.Intervals.Interval(outputs["values"]).Upper, outputs["upper"]);
        string metadata = await served.Http.GetStringAsync("/v2/models/prices");
        Assert.Contains("\"name\":\"lower\"", metadata);
        Assert.Contains("\"name\":\"upper\"", metadata);
    }

    // Noise grows with the size: one width for every home is too wide for small ones and too narrow for large ones, which two
    // conformalized quantile models fix (narrower on average at the same coverage); the server answers each row's interval from their band, the log keeps it, monitoring
    // scores it from feedback as answered.
    [Fact]
    public async Task QuantileIntervals_FollowTheSpread_AndAreServedLoggedAndMonitoredAsAnswered()
    {
        // The price is linear in the size and so are its quantiles: linear quantile regressions find the band.
        double residualWidth = (await TrainPricesAsync(null, 0.9, model: "linear")).Outcome.TestMetrics["test_interval_width"];
        var trained = await TrainPricesAsync(null, 0.9, "quantiles", "linear");
        var model = Assert.IsType<ConformalTabularModel>(trained.Outcome.Model);
        Assert.Equal("quantiles", model.Intervals.Score);
        Assert.Equal((0.05, 0.95), model.Intervals.Band);
        Assert.Equal("the validation split", model.Intervals.Source);
        var (lowerModel, upperModel) = model.Band!.Value;
        Assert.Equal("quantile=0.05", lowerModel.Task.Loss.ToString());
        Assert.Equal("quantile=0.95", upperModel.Task.Loss.ToString());
        var metrics = trained.Outcome.TestMetrics;
        Assert.InRange(metrics["test_interval_coverage"], 0.85, 0.96);
        Assert.True(metrics["test_interval_width"] < residualWidth, $"quantile intervals {metrics["test_interval_width"]:F2} wide, residual ones {residualWidth:F2}");
        string folder = Path.Combine(_temp.Root, "model");
        foreach (var band in new[] { ConformalIntervals.BandFolders.Lower, ConformalIntervals.BandFolders.Upper })
            Assert.True(File.Exists(Path.Combine(folder, band, "weights.safetensors")), band);
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(folder, ModelFile.SpecFileName)));
        Assert.Equal("quantiles", spec.Metadata!["intervals"]!["method"]!.GetValue<string>());

        await using var served = await ServedTable.StartAsync(Registry, "prices@production");
        var start = DateTimeOffset.UtcNow;
        var homes = Homes(300, 11);
        var answers = (await PostAsync(served.Http, "/models/prices/predict", Instances(homes))).GetProperty("predictions").EnumerateArray().ToList();
        var bounds = answers.Select(a => a.GetProperty("interval")).Select(i => (Lower: i.GetProperty("lower").GetDouble(), Upper: i.GetProperty("upper").GetDouble())).ToList();
        for (int i = 0; i < homes.Count; i++)
        {
            double value = answers[i].GetProperty("value").GetDouble();
            Assert.InRange(value, bounds[i].Lower, bounds[i].Upper);
        }
        double Width(Func<double, bool> sizes) => homes.Select((h, i) => (h.Size, W: bounds[i].Upper - bounds[i].Lower)).Where(h => sizes(h.Size)).Average(h => h.W);
        double small = Width(s => s < 40), large = Width(s => s > 80);
        Assert.True(large > 1.5 * small, $"mean width of homes under 40 m²: {small:F1}, over 80 m²: {large:F1}");
        int covered = homes.Select((h, i) => h.Price >= bounds[i].Lower && h.Price <= bounds[i].Upper).Count(c => c);

        // OIP: the same bounds for the same row.
        var infer = await PostAsync(served.Http, "/v2/models/prices/infer", $$"""
            {"inputs":[{"name":"size","shape":[1],"datatype":"FP64","data":[{{homes[0].Size.ToString(CultureInfo.InvariantCulture)}}]},{"name":"district","shape":[1],"datatype":"BYTES","data":["{{homes[0].District}}"]}]}
            """);
        var outputs = infer.GetProperty("outputs").EnumerateArray().ToDictionary(o => o.GetProperty("name").GetString()!, o => o.GetProperty("data")[0].GetDouble());
        Near(bounds[0].Lower, outputs["lower"]);
        Near(bounds[0].Upper, outputs["upper"]);
        Assert.DoesNotContain(IntervalBandPredictor.OutputName, outputs.Keys);

        string feedback = "[" + string.Join(",", answers.Select((a, i) =>
            $$"""{"prediction_id":"{{a.GetProperty("prediction_id").GetString()}}","label":{{homes[i].Price.ToString("R", CultureInfo.InvariantCulture)}}}""")) + "]";
        var sent = await served.Http.PostAsync("/v2/models/prices/feedback", new StringContent(feedback, Encoding.UTF8, "application/json"));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        await TableEndToEndTests.WaitForAsync(async () => await Registry.Store.CountPredictionsAsync("prices", start) >= homes.Count);
        var report = await new ModelMonitor(Registry).ReportAsync("prices", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)), []);
        var coverage = report.Overall.Coverage!;
        Assert.Equal(homes.Count, coverage.Labels);
        Assert.Equal(covered, coverage.Covered);
        Assert.InRange(coverage.Coverage, 0.84, 0.96);
        Near(bounds.Average(b => b.Upper - b.Lower), coverage.MeanWidth!.Value);
    }

    [Fact]
    public async Task QuantileIntervals_AreRefusedForAClassifierAndAQuantileModel_BeforeTraining()
    {
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TrainPricesAsync("quantile=0.9", 0.9, "quantiles"));
        Assert.Contains("is one already (--loss quantile=0.9)", e.Message);
        e = await Assert.ThrowsAsync<ArgumentException>(() => TableEndToEndTests.TrainChurnAsync(Registry, _temp.Root, r => r with { Intervals = 0.9, IntervalsMethod = "quantiles" }));
        Assert.Contains("a classifier answers prediction sets", e.Message);
        e = Assert.Throws<ArgumentException>(() => new TabularRecipe("prices@2", "gbdt") { IntervalsMethod = "quantiles" }.Validate());
        Assert.Contains("give their level too", e.Message);
        e = Assert.Throws<ArgumentException>(() => new TabularRecipe("prices@2", "gbdt") { Intervals = 0.9, IntervalsMethod = "bands" }.Validate());
        Assert.Contains("use residuals", e.Message);
        Assert.False(File.Exists(Path.Combine(_temp.Root, "model", "model.txt")));
    }

    [Fact]
    public async Task QuantileRegressor_GetsItsBoundMovedToHoldAtItsOwnLevel_AndAnotherLevelIsRefusedBeforeTraining()
    {
        var trained = await TrainPricesAsync("quantile=0.9", 0.9);
        var model = Assert.IsType<ConformalTabularModel>(trained.Outcome.Model);
        Assert.Equal("upper", model.Intervals.Score);
        Assert.False(trained.Outcome.TestMetrics.ContainsKey("test_interval_width"));
        Assert.InRange(trained.Outcome.TestMetrics["test_interval_coverage"], 0.85, 0.96);
        await using (var served = await ServedTable.StartAsync(Registry, "prices@production"))
        {
            var row = (await PostAsync(served.Http, "/models/prices/predict", Instances(Homes(1, 3)))).GetProperty("predictions")[0];
            Assert.Equal(JsonValueKind.Null, row.GetProperty("interval").GetProperty("lower").ValueKind);
            Near(row.GetProperty("value").GetDouble() + model.Intervals.Quantile, row.GetProperty("interval").GetProperty("upper").GetDouble());
        }
        var e = await Assert.ThrowsAsync<ArgumentException>(() => TrackedTabularTraining.RunAsync(
            new TabularRecipe(trained.DatasetRef, "gbdt", Seed: 1, Threads: 1) { Loss = "quantile=0.9", Intervals = 0.8 }, Path.Combine(_temp.Root, "other"), Registry, null, "test"));
        Assert.Contains("pass --intervals 0.9", e.Message);
        Assert.False(File.Exists(Path.Combine(_temp.Root, "other", "model.txt")));
    }

    [Fact]
    public async Task CalibratedClassifier_AnswersPredictionSetsOfItsCalibratedProbabilities_AndMonitoringScoresTheirCoverage()
    {
        var trained = await TableEndToEndTests.TrainChurnAsync(Registry, _temp.Root, r => r with { ClassWeight = "yes=5", Calibrate = "sigmoid", Intervals = 0.9 });
        var model = Assert.IsType<ConformalTabularModel>(trained.Outcome.Model);
        Assert.True(model.Intervals.IsSet);
        Assert.IsType<CalibratedTabularModel>(model.Inner);
        // Fitted on the same out-of-fold predictions as the calibration, after it.
        Assert.Equal(((CalibratedTabularModel)model.Inner).Calibration.Source, model.Intervals.Source);

        await using var served = await ServedTable.StartAsync(Registry, "churn@production");
        var start = DateTimeOffset.UtcNow;
        var rows = ChurnRow.Make(200, seed: 31);
        var answers = (await TableEndToEndTests.PredictAsync(served.Http, rows, contributions: false)).GetProperty("predictions").EnumerateArray().ToList();
        var classes = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_temp.Root, "model", ModelFile.SpecFileName))).ClassNames;
        int covered = 0;
        for (int i = 0; i < rows.Count; i++)
        {
            double p = answers[i].GetProperty("probability").GetDouble();
            bool positive = answers[i].GetProperty("positive").GetBoolean();
            var expected = model.Intervals.BinarySet(p, positive ? 1 : 0).Select(k => classes[k]).ToList();
            var set = answers[i].GetProperty("prediction_set").GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToList();
            Assert.Equal(expected, set);
            Assert.Equal(answers[i].GetProperty("label").GetString(), set.Contains(answers[i].GetProperty("label").GetString()!) ? answers[i].GetProperty("label").GetString() : null);
            if (set.Contains(classes[rows[i].Churn == "yes" ? 1 : 0])) covered++;
        }
        string feedback = "[" + string.Join(",", answers.Select((a, i) =>
            $$"""{"prediction_id":"{{a.GetProperty("prediction_id").GetString()}}","label":"{{classes[rows[i].Churn == "yes" ? 1 : 0]}}"}""")) + "]";
        var sent = await served.Http.PostAsync("/v2/models/churn/feedback", new StringContent(feedback, Encoding.UTF8, "application/json"));
        Assert.True(sent.IsSuccessStatusCode, await sent.Content.ReadAsStringAsync());
        await TableEndToEndTests.WaitForAsync(async () => await Registry.Store.CountPredictionsAsync("churn", start) >= rows.Count);
        var report = await new ModelMonitor(Registry).ReportAsync("churn", new MonitorWindow(start, DateTimeOffset.UtcNow.AddSeconds(1)), []);
        var coverage = report.Versions.Single().Coverage!;
        Assert.True(coverage.IsSet);
        Assert.Equal(rows.Count, coverage.Labels);
        Assert.Equal(covered, coverage.Covered);
        Assert.Equal(rows.Count, coverage.ByClass.Sum(k => k.Labels));
        Assert.Equal(covered, coverage.ByClass.Sum(k => k.Covered));
        Assert.Equal((coverage.Labels, coverage.Covered, coverage.Level), (report.Overall.Coverage!.Labels, report.Overall.Coverage.Covered, report.Overall.Coverage.Level));
        Assert.Equal(coverage.ByClass, report.Overall.Coverage.ByClass);
    }

    // Served answers are float32: equal to 1e-6 of their size.
    private static void Near(double expected, double actual) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-6 * Math.Max(1, Math.Abs(expected)), $"{expected} vs {actual}");

    private static string Instances(IEnumerable<(double Size, string District, double Price)> homes) =>
        "{\"instances\":[" + string.Join(",", homes.Select(h => string.Create(CultureInfo.InvariantCulture, $$"""{"size":{{h.Size}},"district":"{{h.District}}"}"""))) + "]}";

    private static async Task<JsonElement> PostAsync(HttpClient http, string path, string json)
    {
        var body = new StringContent(json, Encoding.UTF8);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var response = await http.PostAsync(path, body);
        string text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
