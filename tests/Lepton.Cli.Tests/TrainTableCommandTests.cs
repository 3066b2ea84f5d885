using System.Globalization;
using System.Text;
using System.Text.Json;
using Lepton.Runtime.LightGbm;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton train --data TABLE@V</c>: a CSV the test writes (numbers, a category, missing values, an identifier) is
/// imported, split, and trained on with LightGBM and with auto; the label depends on a number and the category, so a
/// learner that reads both scores well above the majority class.
/// </summary>
[Collection("cli")]
public sealed class TrainTableCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-train-table").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    // 600 rows: churned when usage is low, or always on the "basic" plan with usage under 60; usage missing in every 25th row.
    private string Csv()
    {
        var rng = new Random(17);
        var sb = new StringBuilder("customer_id,usage,plan,tenure,churned\n");
        for (int i = 0; i < 600; i++)
        {
            double usage = Math.Round(rng.NextDouble() * 100, 1);
            string plan = new[] { "basic", "pro", "team" }[rng.Next(3)];
            int tenure = rng.Next(1, 60);
            bool churned = usage < 25 || (plan == "basic" && usage < 60);
            string usageText = i % 25 == 0 ? "" : usage.ToString(CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"C{10000 + i},{usageText},{plan},{tenure},{(churned ? "yes" : "no")}\n");
        }
        var path = Path.Combine(_root, "churn.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task TrainTable_GbdtAndAuto_ScoreWellAndWriteModelFolderWithEncoders()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-churn", "--label-column", "churned", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("data", "split", "cli-churn@1", "--test", "0.25", "--stratify", "--seed", "3", "--json");
        Assert.True(code == 0, err);

        string gbdtDir = Path.Combine(_root, "gbdt");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-churn@2", "--model", "gbdt", "--out", gbdtDir, "--register", "cli-churn", "--json");
        Assert.True(code == 0, err + stdout);
        var gbdt = Json(stdout);
        Assert.Equal("gbdt", gbdt.GetProperty("learner").GetString());
        Assert.Equal(150, gbdt.GetProperty("test_rows").GetInt32());
        double accuracy = gbdt.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy >= 0.9, $"gbdt test accuracy {accuracy}");
        Assert.Equal("cli-churn@1", gbdt.GetProperty("registered").GetString());
        Assert.True(File.Exists(Path.Combine(gbdtDir, "model.txt")));
        Assert.True(File.Exists(Path.Combine(gbdtDir, "encoders.json")));
        // The model text is LightGBM's own: it loads through LightGBM's C API on its own.
        using (var booster = LightGbmBooster.FromFile(Path.Combine(gbdtDir, "model.txt")))
            Assert.True(booster.FeatureCount >= 3);

        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-churn@2", "--out", Path.Combine(_root, "auto"), "--json");
        Assert.True(code == 0, err + stdout);
        var auto = Json(stdout);
        var candidates = auto.GetProperty("candidates").EnumerateArray().ToList();
        Assert.Contains(candidates, c => c.GetProperty("name").GetString() == "gbdt" && c.GetProperty("mean").ValueKind == JsonValueKind.Number);
        Assert.True(auto.GetProperty("metrics").GetProperty("test_accuracy").GetDouble() >= 0.85, stdout);

        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-churn@2", "--model", "cnn-tables");
        Assert.Equal(2, code);
        Assert.Contains("not a learner for tables", err);
        Assert.Contains("linear-svm, mlp", err);

        // Image-classifier options are refused for a table, not silently dropped.
        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-churn@2", "--model", "logistic", "--label-smoothing", "0.1");
        Assert.Equal(2, code);
        Assert.Contains("--label-smoothing applies to image classifiers", err);
    }

    [Fact]
    public async Task TrainTable_MlpAndLinearSvm_TrainServeAndExplain()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-mlp", "--label-column", "churned", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-mlp@1", "--test", "0.25", "--stratify", "--seed", "3", "--json");
        Assert.True(code == 0, err);

        // The MLP on the imputed, one-hot features, with the flags it takes; the rule needs plan x usage, which it learns.
        string dir = Path.Combine(_root, "mlp");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-mlp@2", "--model", "mlp", "--epochs", "80", "--lr", "0.003", "--batch-size", "16",
            "--out", dir, "--json");
        Assert.True(code == 0, err + stdout);
        var mlp = Json(stdout);
        Assert.Equal("mlp", mlp.GetProperty("learner").GetString());
        double accuracy = mlp.GetProperty("metrics").GetProperty("test_accuracy").GetDouble();
        Assert.True(accuracy >= 0.9, $"mlp test accuracy {accuracy}");
        var meta = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "model.json"))).RootElement.GetProperty("metadata");
        Assert.Equal("mlp", meta.GetProperty("kind").GetString());
        Assert.Equal(16, meta.GetProperty("batch_size").GetInt32());
        Assert.Equal(0.003, meta.GetProperty("learning_rate").GetDouble(), 12);
        Assert.All(meta.GetProperty("epochs").EnumerateArray(), e => Assert.InRange(e.GetInt32(), 1, 80));
        Assert.True(File.Exists(Path.Combine(dir, "encoders.json")));

        // A row with the usage left out is imputed; lepton explain answers integrated gradients that add up to the raw output.
        (code, var explained, err) = await CliRun.Invoke("explain", "--model", dir, "--input", "{\"plan\": \"basic\", \"tenure\": 12}", "--json");
        Assert.True(code == 0, err + explained);
        var e = Json(explained);
        Assert.Equal("integrated-gradients", e.GetProperty("method").GetString());
        double sum = e.GetProperty("bias").GetDouble() + e.GetProperty("contributions").EnumerateObject().Sum(x => x.Value.GetDouble());
        Assert.Equal(e.GetProperty("raw_outputs")[0].GetDouble(), sum, 3);
        Assert.Equal(["plan", "tenure", "usage"], e.GetProperty("contributions").EnumerateObject().Select(x => x.Name).Order(StringComparer.Ordinal));

        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-mlp@2", "--model", "linear-svm", "--out", Path.Combine(_root, "svm"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal("linear_svm", Json(stdout).GetProperty("learner").GetString());

        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-mlp@2", "--model", "gbdt", "--epochs", "10");
        Assert.Equal(2, code);
        Assert.Contains("--model mlp", err);
    }

    [Fact]
    public async Task TrainTable_SplitColumnAndTrees_TrainsOnThePinnedTrainRowsWithExactRounds()
    {
        _ = fx;
        // The same table with a last column naming each row's split: every 4th row is test.
        var lines = File.ReadAllLines(Csv());
        var pinned = Path.Combine(_root, "pinned.csv");
        File.WriteAllLines(pinned, lines.Select((l, i) => l + "," + (i == 0 ? "part" : i % 4 == 0 ? "test" : "train")));
        var (code, stdout, err) = await CliRun.Invoke("data", "import", pinned, "--name", "cli-pinned", "--label-column", "churned", "--split-column", "part", "--json");
        Assert.True(code == 0, err);
        var imported = Json(stdout);
        Assert.Equal(5, imported.GetProperty("columns").GetInt32());
        Assert.False(imported.GetProperty("schema").GetProperty("columns").TryGetProperty("part", out _));

        string dir = Path.Combine(_root, "pinned-gbdt");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-pinned@1", "--model", "gbdt", "--trees", "7", "--lr", "0.3", "--out", dir, "--json");
        Assert.True(code == 0, err + stdout);
        var trained = Json(stdout);
        Assert.Equal((450, 150), (trained.GetProperty("train_rows").GetInt32(), trained.GetProperty("test_rows").GetInt32()));
        using (var booster = LightGbmBooster.FromFile(Path.Combine(dir, "model.txt")))
            Assert.Equal(7, booster.CurrentIteration);

        (code, _, err) = await CliRun.Invoke("train", "--data", "cli-pinned@1", "--model", "logistic", "--trees", "7");
        Assert.Equal(2, code);
        Assert.Contains("grows no trees", err);
    }
}
