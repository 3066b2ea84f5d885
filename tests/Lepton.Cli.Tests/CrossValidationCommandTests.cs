using System.Text.Json;
using Lepton.Registry;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>train --folds</c> and <c>eval --folds</c> on the shared synthetic Fashion-MNIST: every metric's mean lies between its
/// fold minimum and maximum, the folds cover the training split, and the registry holds a parent run and one run per fold.
/// </summary>
[Collection("cli")]
public sealed class CrossValidationCommandTests(TrainedModelFixture fx)
{
    [Fact]
    public async Task TrainFolds_ReportsTheSpreadOfEveryMetric_AndRecordsTheRuns()
    {
        var (code, stdout, err) = await CliRun.Invoke("train", "--data-dir", fx.DataDir, "--model", "mlp", "--epochs", "1", "--batch-size", "64",
            "--seed", "5", "--folds", "3", "--register", "cv-mlp", "--json");
        Assert.True(code == 0, err + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(3, json.GetProperty("folds").GetInt32());
        var folds = json.GetProperty("fold_results").EnumerateArray().ToArray();
        Assert.Equal(3, folds.Length);
        // 600 training images dealt into 3 stratified folds of 200.
        Assert.All(folds, f => Assert.Equal(200, f.GetProperty("held_out").GetInt32()));
        var accuracy = json.GetProperty("metrics").GetProperty("accuracy");
        var values = folds.Select(f => f.GetProperty("metrics").GetProperty("accuracy").GetDouble()).ToArray();
        Assert.Equal(values.Average(), accuracy.GetProperty("mean").GetDouble(), 9);
        Assert.Equal(values.Min(), accuracy.GetProperty("min").GetDouble(), 12);
        Assert.Equal(values.Max(), accuracy.GetProperty("max").GetDouble(), 12);
        double mean = values.Average();
        Assert.Equal(Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / 2), accuracy.GetProperty("std").GetDouble(), 9);
        Assert.True(json.GetProperty("metrics").TryGetProperty("macro_f1", out _));

        string parent = json.GetProperty("parent_run").GetString()!;
        await using var registry = await ModelRegistry.OpenAsync();
        var parentRun = await registry.Store.GetRunAsync(parent);
        Assert.Equal("cv-mlp-cv", parentRun!.Name);
        var summary = await registry.Store.GetRunMetricsAsync(parent);
        Assert.Equal(mean, summary.Single(m => m.Key == "cv_mean_accuracy").Value, 9);
        foreach (var fold in folds)
        {
            var run = await registry.Store.GetRunAsync(fold.GetProperty("run").GetString()!);
            Assert.Contains($"\"parent_run\":\"{parent}\"", run!.ParametersJson);
            Assert.Equal(Lepton.Registry.Store.RunStatus.Completed, run.Status);
        }
    }

    [Fact]
    public async Task EvalFolds_RetrainsTheModelsRecipe_AndWritesTheHtmlSection()
    {
        Assert.True(fx.TrainResult.Code == 0, fx.TrainResult.Err);
        string report = Path.Combine(fx.Root, "cv", "cv.html");
        var (code, stdout, err) = await CliRun.Invoke("eval", "--model", "synthetic@1", "--data-dir", fx.DataDir, "--folds", "2", "--report", report);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("fold 2", stdout);
        string html = File.ReadAllText(report);
        Assert.Contains("<h2 id=\"cross-validation\">", html);
        Assert.Contains("<tr data-metric=\"accuracy\">", html);

        (code, _, err) = await CliRun.Invoke("eval", "--model", "synthetic@1", "--data-dir", fx.DataDir, "--folds", "1");
        Assert.NotEqual(0, code);
        Assert.Contains("--folds must be 2..100", err);
    }

    [Fact]
    public async Task TrainFolds_OnATable_CrossValidatesTheLearnerOnTheTrainingRows()
    {
        _ = fx;
        string dir = Directory.CreateTempSubdirectory("cli-cv-table").FullName;
        try
        {
            // 400 rows: churned exactly when usage is under 40.
            var rng = new Random(5);
            var csv = new System.Text.StringBuilder("usage,tenure,churned\n");
            for (int i = 0; i < 400; i++)
            {
                double usage = Math.Round(rng.NextDouble() * 100, 1);
                csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{usage},{rng.Next(1, 60)},{(usage < 40 ? "yes" : "no")}\n");
            }
            string path = Path.Combine(dir, "cv-churn.csv");
            File.WriteAllText(path, csv.ToString());
            var (code, stdout, err) = await CliRun.Invoke("data", "import", path, "--name", "cv-churn", "--label-column", "churned");
            Assert.True(code == 0, err);
            (code, stdout, err) = await CliRun.Invoke("data", "split", "cv-churn@1", "--test", "0.25", "--stratify", "--seed", "3");
            Assert.True(code == 0, err);
            (code, stdout, err) = await CliRun.Invoke("train", "--data", "cv-churn@2", "--model", "logistic", "--folds", "4", "--json");
            Assert.True(code == 0, err + stdout);
            var json = JsonDocument.Parse(stdout).RootElement;
            var folds = json.GetProperty("fold_results").EnumerateArray().ToArray();
            Assert.Equal(4, folds.Length);
            // The folds partition the 300 training rows; the 100 test rows are never used.
            Assert.Equal(300, folds.Sum(f => f.GetProperty("held_out").GetInt32()));
            Assert.All(folds, f => Assert.Equal(225, f.GetProperty("trained_on").GetInt32()));
            var accuracy = json.GetProperty("metrics").GetProperty("accuracy");
            Assert.True(accuracy.GetProperty("mean").GetDouble() > 0.9, accuracy.ToString());
            Assert.True(accuracy.GetProperty("min").GetDouble() <= accuracy.GetProperty("mean").GetDouble());
            Assert.True(json.GetProperty("metrics").TryGetProperty("macro_f1", out _));
            Assert.NotNull(json.GetProperty("parent_run").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
