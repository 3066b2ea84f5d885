using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lepton.Cli.Tests;

/// <summary>
/// A rare positive class (about 8% "fraud" rows): <c>--threshold f1|precision=P</c> chooses the decision threshold on held-out
/// rows and the model folder, predict, the server's signature and eval's page all decide by it; <c>--class-weight balanced</c>
/// raises the rare class's recall; bad values and tasks without a threshold are refused by name.
/// </summary>
[Collection("cli")]
public sealed class TrainTableThresholdCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-threshold").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    // 1,200 transactions: fraud is likelier for large amounts on risky merchants at night, with noise, so no cut is perfect.
    private string Csv()
    {
        var rng = new Random(23);
        var sb = new StringBuilder("txn,amount,merchant,night,fraud\n");
        string[] merchants = ["grocery", "fuel", "online", "jewelry"];
        for (int i = 0; i < 1200; i++)
        {
            double amount = Math.Round(Math.Exp(3 + rng.NextDouble() * 3), 2);
            int m = rng.Next(4);
            bool night = rng.NextDouble() < 0.2;
            double z = -6 + 0.7 * Math.Log(amount) + (m == 3 ? 1.5 : m == 2 ? 0.8 : 0) + (night ? 1.2 : 0) + (rng.NextDouble() - 0.5) * 2.5;
            bool fraud = rng.NextDouble() < 1 / (1 + Math.Exp(-z));
            sb.Append(CultureInfo.InvariantCulture, $"T{i:D5},{amount},{merchants[m]},{(night ? "true" : "false")},{(fraud ? "yes" : "no")}\n");
        }
        var path = Path.Combine(_root, "fraud.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task TrainTable_AChosenThreshold_TravelsToPredictAndEval_AndClassWeightsRaiseRecall()
    {
        _ = fx;
        string csv = Csv();
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-fraud", "--label-column", "fraud", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-fraud@1", "--test", "0.25", "--stratify", "--seed", "1", "--json");
        Assert.True(code == 0, err);

        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "logistic", "--out", Path.Combine(_root, "plain"), "--json");
        Assert.True(code == 0, err + stdout);
        var plain = Json(stdout).GetProperty("metrics");
        Assert.Equal(JsonValueKind.Null, Json(stdout).GetProperty("threshold").ValueKind);

        string f1Dir = Path.Combine(_root, "f1");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "logistic", "--threshold", "f1", "--out", f1Dir, "--register", "cli-fraud", "--json");
        Assert.True(code == 0, err + stdout);
        var f1 = Json(stdout);
        var threshold = f1.GetProperty("threshold");
        double t = threshold.GetProperty("threshold").GetDouble();
        Assert.Equal("f1", threshold.GetProperty("rule").GetString());
        Assert.Contains("out-of-fold predictions (5 folds", threshold.GetProperty("source").GetString());
        Assert.Equal(900, threshold.GetProperty("rows").GetInt32()); // every training row held out once
        Assert.InRange(t, 0.05, 0.45); // a rare class's best F1 lies below one half
        var metrics = f1.GetProperty("metrics");
        Assert.True(metrics.GetProperty("test_recall").GetDouble() > plain.GetProperty("test_recall").GetDouble() + 0.1, stdout);
        Assert.True(metrics.GetProperty("test_f1").GetDouble() > plain.GetProperty("test_f1").GetDouble(), stdout);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(f1Dir, "model.json")))!;
        Assert.Equal(t, spec["task"]!["threshold"]!.GetValue<double>(), 12);
        Assert.Equal(t, spec["metadata"]!["decision_threshold"]!["threshold"]!.GetValue<double>(), 12);

        // predict decides by the model's threshold: a row under one half but over the threshold is called fraud.
        string scored = Path.Combine(_root, "scored.csv");
        (code, _, err) = await CliRun.Invoke("predict", "--model", f1Dir, "--input", csv, "--output", scored);
        Assert.True(code == 0, err);
        var answers = File.ReadAllLines(scored).Skip(1).Select(l => l.Split(',')).Select(c => (Label: c[^2], P: double.Parse(c[^1], CultureInfo.InvariantCulture))).ToList();
        Assert.All(answers, a => Assert.Equal(a.P >= t ? "yes" : "no", a.Label));
        Assert.Contains(answers, a => a.P < 0.5 && a.Label == "yes");

        // eval reports at the threshold and its page marks it.
        string page = Path.Combine(_root, "f1.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", f1Dir, "--data", "cli-fraud@2", "--report", page, "--bootstrap", "50", "--json");
        Assert.True(code == 0, err + stdout);
        var evaluation = Json(stdout).GetProperty("evaluation");
        var yes = evaluation.GetProperty("classes").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "yes");
        Assert.Equal(metrics.GetProperty("test_recall").GetDouble(), yes.GetProperty("recall").GetDouble(), 6);
        string html = File.ReadAllText(page);
        Assert.Contains($"data-chart=\"threshold\" data-threshold=\"{t.ToString("R", CultureInfo.InvariantCulture)}\"", html);
        Assert.Contains("(model)</b>", html);

        // The model card says how the model decides.
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-fraud@1", "--out", Path.Combine(_root, "card"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("'yes' from a probability of", Json(stdout).GetProperty("task").GetString());
        Assert.Contains("chosen for f1 on out-of-fold predictions", Json(stdout).GetProperty("task").GetString());

        // Cross-validation chooses the threshold inside each fold (nested) and reports the positive class's F1 at it.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "logistic", "--threshold", "f1", "--folds", "3", "--json");
        Assert.True(code == 0, err + stdout);
        var cv = Json(stdout).GetProperty("metrics");
        Assert.True(cv.GetProperty("recall").GetProperty("mean").GetDouble() > plain.GetProperty("test_recall").GetDouble(), stdout);
        Assert.InRange(cv.GetProperty("f1").GetProperty("mean").GetDouble(), 0.2, 1);

        // A precision target; and class weights, which raise recall at one half.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "gbdt", "--threshold", "precision=0.5", "--out", Path.Combine(_root, "p50"), "--json");
        Assert.True(code == 0, err + stdout);
        var p50 = Json(stdout).GetProperty("threshold");
        Assert.Equal("precision=0.5", p50.GetProperty("rule").GetString());
        Assert.True(p50.GetProperty("precision").GetDouble() >= 0.5 || !p50.GetProperty("met").GetBoolean(), stdout);
        // A cost: a missed fraud costs 20 false alarms, so the threshold drops below F1's and recall rises.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "logistic", "--threshold", "cost=20", "--out", Path.Combine(_root, "cost"), "--json");
        Assert.True(code == 0, err + stdout);
        var cost = Json(stdout);
        Assert.Equal("cost=20", cost.GetProperty("threshold").GetProperty("rule").GetString());
        Assert.True(cost.GetProperty("threshold").GetProperty("threshold").GetDouble() < t, stdout);
        Assert.True(cost.GetProperty("metrics").GetProperty("test_recall").GetDouble() >= metrics.GetProperty("test_recall").GetDouble(), stdout);
        Assert.True(cost.GetProperty("metrics").GetProperty("test_savings").GetDouble() > 0, stdout);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "logistic", "--class-weight", "balanced", "--out", Path.Combine(_root, "balanced"), "--json");
        Assert.True(code == 0, err + stdout);
        var balanced = Json(stdout);
        Assert.Equal("balanced", balanced.GetProperty("class_weight").GetString());
        Assert.True(balanced.GetProperty("metrics").GetProperty("test_recall").GetDouble() > plain.GetProperty("test_recall").GetDouble() + 0.2, stdout);
        // Fraud may only grow more likely with the amount and at night (a yes/no column).
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "gbdt", "--monotone", "amount=increasing,night=increasing", "--additive", "--out", Path.Combine(_root, "monotone"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal("amount=increasing,night=increasing", Json(stdout).GetProperty("monotone").GetString());
        Assert.True(Json(stdout).GetProperty("additive").GetBoolean());
        // One transaction's own curve along the amount: held increasing, and the console says whether the decision flips.
        const string row = "{\"amount\": 120, \"merchant\": \"jewelry\", \"night\": true}";
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", Path.Combine(_root, "monotone"), "--input", row, "--vary", "amount", "--json");
        Assert.True(code == 0, err + stdout);
        var alongAmount = Json(stdout).GetProperty("vary").GetProperty("outputs")[0].GetProperty("answers").EnumerateArray().Select(v => v.GetDouble()).ToList();
        Assert.Equal(alongAmount.Order(), alongAmount);
        Assert.True(alongAmount[^1] > alongAmount[0], stdout);
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", Path.Combine(_root, "monotone"), "--input", row, "--vary", "amount");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("The decision", stdout, StringComparison.Ordinal);
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "gbdt", "--monotone", "merchant=increasing", "--out", Path.Combine(_root, "refused"));
        Assert.Equal(2, code);
        Assert.Contains("'merchant', a categorical column", err, StringComparison.Ordinal);

        // With a validation split beside the test split, the threshold is chosen there.
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-fraud@1", "--test", "0.25", "--validation", "0.2", "--stratify", "--seed", "1", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-fraud@3", "--model", "gbdt", "--threshold", "recall=0.8", "--out", Path.Combine(_root, "validation"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal("the validation split", Json(stdout).GetProperty("threshold").GetProperty("source").GetString());

        // Refusals name the problem and the way out.
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "gbdt", "--threshold", "best");
        Assert.Equal(2, code);
        Assert.Contains("precision=0.9", err);
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-fraud@2", "--model", "gbdt", "--class-weight", "maybe=3");
        Assert.Equal(2, code);
        Assert.Contains("its classes are no, yes", err);
        (code, _, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-amounts", "--label-column", "amount", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-amounts@1", "--model", "gbdt", "--threshold", "f1");
        Assert.Equal(2, code);
        Assert.Contains("regression target", err);
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-amounts@1", "--model", "linear", "--class-weight", "balanced");
        Assert.Equal(2, code);
        Assert.Contains("regression target", err);
    }
}
