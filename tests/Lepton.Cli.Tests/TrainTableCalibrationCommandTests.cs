using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton train --calibrate</c>: a model trained with balanced class weights overstates the rare class; calibrated on held-out
/// rows (the validation split, else out-of-fold predictions) its probabilities match the rates seen, on test rows it never saw, and
/// <c>predict</c>, <c>eval</c> and <c>explain</c> answer the calibrated probabilities from the model folder; a threshold rule is
/// chosen on them; wrong methods and labels are refused by name.
/// </summary>
[Collection("cli")]
public sealed class TrainTableCalibrationCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-calibration").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    // 2,000 loan applications, about 12% of them defaulting: likelier with debt, less likely with income, noisy.
    private string Csv()
    {
        var rng = new Random(41);
        var sb = new StringBuilder("id,income,debt,region,default\n");
        string[] regions = ["north", "south", "east"];
        for (int i = 0; i < 2000; i++)
        {
            double income = Math.Round(20 + rng.NextDouble() * 80, 1), debt = Math.Round(rng.NextDouble() * 40, 1);
            int r = rng.Next(3);
            double z = -2.2 + 0.09 * debt - 0.03 * income + (r == 1 ? 0.6 : 0);
            bool bad = rng.NextDouble() < 1 / (1 + Math.Exp(-z));
            sb.Append(CultureInfo.InvariantCulture, $"A{i:D5},{income},{debt},{regions[r]},{(bad ? "yes" : "no")}\n");
        }
        var path = Path.Combine(_root, "loans.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static List<double> Probabilities(string scoredCsv) =>
        [.. File.ReadAllLines(scoredCsv).Skip(1).Select(l => double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture))];

    [Fact]
    public async Task Calibrate_BringsBalancedProbabilitiesBackToTheRates_InEveryConsumerOfTheFolder()
    {
        _ = fx;
        string csv = Csv();
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-calib", "--label-column", "default", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-calib@1", "--test", "0.25", "--validation", "0.25", "--stratify", "--seed", "2", "--json");
        Assert.True(code == 0, err);

        string plainDir = Path.Combine(_root, "plain"), sigmoidDir = Path.Combine(_root, "sigmoid");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-calib@2", "--model", "logistic", "--class-weight", "balanced", "--out", plainDir,
            "--register", "cli-calib-plain", "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal(JsonValueKind.Null, Json(stdout).GetProperty("calibration").ValueKind);
        Assert.False(File.Exists(Path.Combine(plainDir, "calibration.json")));
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-calib@2", "--model", "logistic", "--class-weight", "balanced", "--calibrate", "sigmoid", "--out", sigmoidDir,
            "--register", "cli-calib", "--json");
        Assert.True(code == 0, err + stdout);
        var trained = Json(stdout);
        var calibration = trained.GetProperty("calibration");
        Assert.Equal("sigmoid", calibration.GetProperty("method").GetString());
        Assert.Equal("the validation split", calibration.GetProperty("source").GetString());
        Assert.InRange(calibration.GetProperty("rows").GetInt32(), 450, 550);
        // Judged on the test split, which the calibration never saw.
        var metrics = trained.GetProperty("metrics");
        Assert.True(metrics.GetProperty("test_log_loss").GetDouble() < metrics.GetProperty("test_log_loss_uncalibrated").GetDouble() - 0.05, stdout);
        Assert.True(metrics.GetProperty("test_brier").GetDouble() < metrics.GetProperty("test_brier_uncalibrated").GetDouble(), stdout);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(sigmoidDir, "model.json")))!;
        Assert.Equal("sigmoid", spec["metadata"]!["calibration"]!["method"]!.GetValue<string>());

        // The model card says what its probabilities mean.
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-calib@1", "--out", Path.Combine(_root, "card"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("probabilities calibrated (sigmoid, on ", Json(stdout).GetProperty("task").GetString());

        // predict answers from the folder: balanced weights put the mean near one half, calibration near the rate of defaults.
        double rate = File.ReadAllLines(csv).Skip(1).Count(l => l.EndsWith(",yes", StringComparison.Ordinal)) / 2000.0;
        string plainScores = Path.Combine(_root, "plain.csv"), sigmoidScores = Path.Combine(_root, "sigmoid.csv");
        (code, _, err) = await CliRun.Invoke("predict", "--model", plainDir, "--input", csv, "--output", plainScores);
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("predict", "--model", sigmoidDir, "--input", csv, "--output", sigmoidScores);
        Assert.True(code == 0, err);
        double plainMean = Probabilities(plainScores).Average(), sigmoidMean = Probabilities(sigmoidScores).Average();
        Assert.True(plainMean > rate + 0.15, $"balanced mean {plainMean}, rate {rate}");
        Assert.True(Math.Abs(sigmoidMean - rate) < 0.03, $"calibrated mean {sigmoidMean}, rate {rate}");

        // eval reads the same folder: a smaller calibration error and log loss.
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", plainDir, "--data", "cli-calib@2", "--json");
        Assert.True(code == 0, err + stdout);
        var plainEval = Json(stdout);
        string page = Path.Combine(_root, "calibrated.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", sigmoidDir, "--data", "cli-calib@2", "--report", page, "--json");
        Assert.True(code == 0, err + stdout);
        var sigmoidEval = Json(stdout);
        // The report draws the model's reliability before its calibration beside it, scored in the same pass.
        Assert.Equal(plainEval.GetProperty("ece").GetDouble(), sigmoidEval.GetProperty("ece_uncalibrated").GetDouble(), 9);
        Assert.Contains("data-metric=\"ece-uncalibrated\"", File.ReadAllText(page));
        Assert.Contains("before calibration (ECE", File.ReadAllText(page));
        Assert.False(plainEval.TryGetProperty("ece_uncalibrated", out _));
        Assert.True(sigmoidEval.GetProperty("ece").GetDouble() < plainEval.GetProperty("ece").GetDouble(), $"{sigmoidEval.GetProperty("ece")} vs {plainEval.GetProperty("ece")}");
        Assert.Equal(metrics.GetProperty("test_log_loss").GetDouble(), sigmoidEval.GetProperty("evaluation").GetProperty("loss").GetDouble(), 4);

        // A sigmoid rescales the log-odds, so the contributions still add up to the calibrated answer.
        const string row = "{\"income\": 35, \"debt\": 30, \"region\": \"south\"}";
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", sigmoidDir, "--input", row, "--json");
        Assert.True(code == 0, err + stdout);
        var explained = Json(stdout);
        Assert.Equal("raw", explained.GetProperty("scale").GetString());
        double sum = explained.GetProperty("bias").GetDouble() + explained.GetProperty("contributions").EnumerateObject().Sum(c => c.Value.GetDouble());
        Assert.Equal(explained.GetProperty("raw_outputs")[0].GetDouble(), sum, 4);

        // Calibrated after training: the registered plain model, on the validation split, as a new version (a sigmoid for yes/no).
        (code, stdout, err) = await CliRun.Invoke("models", "calibrate", "cli-calib-plain@1", "--data", "cli-calib@2", "--json");
        Assert.True(code == 0, err + stdout);
        var later = Json(stdout);
        Assert.Equal(("cli-calib-plain@2", "sigmoid", "validation", "test"),
            (later.GetProperty("registered").GetString(), later.GetProperty("method").GetString(), later.GetProperty("split").GetString(), later.GetProperty("test_split").GetString()));
        Assert.True(later.GetProperty("test_after").GetProperty("log_loss").GetDouble() < later.GetProperty("test_before").GetProperty("log_loss").GetDouble(), stdout);
        // The same fit as train --calibrate's on the same rows: the same test log loss.
        Assert.Equal(metrics.GetProperty("test_log_loss").GetDouble(), later.GetProperty("test_after").GetProperty("log_loss").GetDouble(), 6);
        (code, _, err) = await CliRun.Invoke("models", "calibrate", "cli-calib@1", "--data", "cli-calib@2");
        Assert.Equal(2, code);
        Assert.Contains("calibrated already", err);

        // An export to ONNX would drop the calibration: refused, with the way out.
        (code, _, err) = await CliRun.Invoke("export", "onnx", sigmoidDir, "--out", Path.Combine(_root, "m.onnx"));
        Assert.NotEqual(0, code);
        Assert.Contains("calibrates its probabilities", err);
    }

    [Fact]
    public async Task ModelsCalibrate_AnImageNetwork_FitsATemperature_AndTheNewVersionAnswersThroughIt()
    {
        // The shared MLP on synthetic Fashion-MNIST, calibrated on its test split (the only one there), with the warning that says so.
        var (code, stdout, err) = await CliRun.Invoke("models", "calibrate", "synthetic@1", "--data", "fashion-mnist", "--data-dir", fx.DataDir, "--split", "test",
            "--register", "synthetic-calibrated");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("no longer held out", stdout);
        string folder;
        await using (var registry = await Registry.ModelRegistry.OpenAsync(null))
            folder = (await registry.ResolveAsync("synthetic-calibrated@1")).Folder;
        var file = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "calibration.json")))!;
        Assert.Equal(("temperature", 10, "logits"), (file["method"]!.GetValue<string>(), file["classes"]!.GetValue<int>(), file["score"]!.GetValue<string>()));
        double t = file["maps"]![0]!["temperature"]!.GetValue<double>();
        Assert.InRange(t, 0.05, 20);
        Assert.Equal("synthetic@1", JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!["metadata"]!["parent_model"]!.GetValue<string>());

        // eval reads the new version calibrated: the same answers (a temperature keeps the ranking), a lower log loss on the rows it was fitted on.
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "synthetic@1", "--data", "fashion-mnist", "--data-dir", fx.DataDir, "--report", Path.Combine(_root, "a.html"), "--json");
        Assert.True(code == 0, err + stdout);
        var before = Json(stdout).GetProperty("evaluation");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "synthetic-calibrated@1", "--data", "fashion-mnist", "--data-dir", fx.DataDir, "--report", Path.Combine(_root, "b.html"), "--json");
        Assert.True(code == 0, err + stdout);
        var after = Json(stdout).GetProperty("evaluation");
        Assert.Equal(before.GetProperty("accuracy").GetDouble(), after.GetProperty("accuracy").GetDouble(), 12);
        Assert.True(after.GetProperty("loss").GetDouble() <= before.GetProperty("loss").GetDouble() + 1e-6, $"{after.GetProperty("loss")} vs {before.GetProperty("loss")}");
    }

    [Fact]
    public async Task Calibrate_WithoutAValidationSplit_FitsOnOutOfFoldPredictions_AndTheThresholdIsChosenAfter()
    {
        _ = fx;
        string csv = Csv();
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-calib-oof", "--label-column", "default", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-calib-oof@1", "--test", "0.25", "--stratify", "--seed", "2", "--json");
        Assert.True(code == 0, err);
        string dir = Path.Combine(_root, "isotonic");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-calib-oof@2", "--model", "gbdt", "--class-weight", "balanced", "--calibrate", "isotonic",
            "--threshold", "f1", "--out", dir, "--json");
        Assert.True(code == 0, err + stdout);
        var trained = Json(stdout);
        var calibration = trained.GetProperty("calibration");
        Assert.Equal("isotonic", calibration.GetProperty("method").GetString());
        Assert.Contains("out-of-fold predictions (5 folds", calibration.GetProperty("source").GetString());
        Assert.Equal(trained.GetProperty("train_rows").GetInt32(), calibration.GetProperty("rows").GetInt32()); // every training row held out once
        var threshold = trained.GetProperty("threshold");
        Assert.Equal(calibration.GetProperty("source").GetString(), threshold.GetProperty("source").GetString());
        // A threshold on calibrated probabilities of a rare class lies well under one half (balanced weights put theirs near it).
        Assert.InRange(threshold.GetProperty("threshold").GetDouble(), 0.05, 0.4);
        var calibrationFile = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "calibration.json")))!;
        Assert.Equal("log_odds", calibrationFile["score"]!.GetValue<string>());

        // An isotonic curve maps the score non-linearly: explanations say they explain the score before it.
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", dir, "--input", "{\"income\": 35, \"debt\": 30, \"region\": \"south\"}", "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal("before_calibration", Json(stdout).GetProperty("scale").GetString());

        // Retraining into the folder without --calibrate leaves no calibration behind.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-calib-oof@2", "--model", "gbdt", "--out", dir, "--json");
        Assert.True(code == 0, err + stdout);
        Assert.False(File.Exists(Path.Combine(dir, "calibration.json")));

        // Three classes: each class mapped against the rest, the answers summing to one.
        var sb = new StringBuilder("income,debt,band\n");
        foreach (var line in File.ReadAllLines(csv).Skip(1))
        {
            var c = line.Split(',');
            double debt = double.Parse(c[2], CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{c[1]},{c[2]},{(debt < 12 ? "low" : debt < 26 ? "mid" : "high")}\n");
        }
        string bands = Path.Combine(_root, "bands.csv");
        File.WriteAllText(bands, sb.ToString());
        (code, _, err) = await CliRun.Invoke("data", "import", bands, "--name", "cli-calib-bands", "--label-column", "band", "--json");
        Assert.True(code == 0, err);
        string banded = Path.Combine(_root, "bands");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-calib-bands@1", "--model", "logistic", "--calibrate", "isotonic", "--out", banded, "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal(3, JsonNode.Parse(File.ReadAllText(Path.Combine(banded, "calibration.json")))!["maps"]!.AsArray().Count);
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", banded, "--input", bands, "--json");
        Assert.True(code == 0, err + stdout);
        Assert.All(Json(stdout).EnumerateArray(), r => Assert.Equal(1.0, r.GetProperty("probabilities").EnumerateObject().Sum(p => p.Value.GetDouble()), 5));

        // Refusals name the problem and the way out.
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-calib-oof@2", "--model", "gbdt", "--calibrate", "platt");
        Assert.Equal(2, code);
        Assert.Contains("sigmoid", err);
        (code, _, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-calib-debts", "--label-column", "debt", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-calib-debts@1", "--model", "gbdt", "--calibrate", "sigmoid");
        Assert.Equal(2, code);
        Assert.Contains("regression target", err);
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-calib-debts@1", "--model", "gbdt", "--register", "cli-calib-debts", "--out", Path.Combine(_root, "debts"));
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("models", "calibrate", "cli-calib-debts@1", "--data", "cli-calib-debts@1", "--split", "train");
        Assert.Equal(2, code);
        Assert.Contains("not a classifier", err);
        // This test's own (uncalibrated) model, so the check does not lean on a version another test registers.
        (code, _, err) = await CliRun.Invoke("models", "calibrate", dir, "--data", "cli-calib-oof@2", "--register", "cli-calib-oof-calibrated");
        Assert.Equal(2, code);
        Assert.Contains("no 'validation' rows to calibrate on (its splits: train, test)", err);
        (code, _, err) = await CliRun.Invoke("train", "--data", "fashion-mnist", "--model", "cnn", "--calibrate", "sigmoid", "--epochs", "1");
        Assert.NotEqual(0, code);
        Assert.Contains("--calibrate calibrates a table classifier's probabilities", err);
    }
}
