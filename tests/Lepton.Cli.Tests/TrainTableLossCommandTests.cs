using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Lepton.Cli.Tests;

/// <summary>
/// Daily sales counts (a store, a price, a promotion): <c>--loss poisson</c> trains a count model whose folder, predict, explain,
/// eval and model card all know the loss; <c>--loss quantile=0.9</c> predicts a level the sales stay under about 90% of the
/// time; losses a learner or a label cannot take are refused by name.
/// </summary>
[Collection("cli")]
public sealed class TrainTableLossCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-loss").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    // 1,500 store-days: Poisson sales around exp(2 - 0.2 price + 0.6 promo + store level), so a third of slow days sell nothing.
    private string Csv()
    {
        var rng = new Random(31);
        var sb = new StringBuilder("store,price,promo,units\n");
        string[] stores = ["north", "south", "east"];
        double[] level = [0.5, 0, -0.8];
        for (int i = 0; i < 1500; i++)
        {
            int s = rng.Next(3);
            double price = Math.Round(1 + rng.NextDouble() * 9, 2);
            bool promo = rng.NextDouble() < 0.2;
            double mean = Math.Exp(2 - 0.2 * price + (promo ? 0.6 : 0) + level[s]);
            int k = 0;
            for (double t = -Math.Log(1 - rng.NextDouble()) / mean; t < 1; t += -Math.Log(1 - rng.NextDouble()) / mean) k++;
            sb.Append(CultureInfo.InvariantCulture, $"{stores[s]},{price},{(promo ? "true" : "false")},{k}\n");
        }
        var path = Path.Combine(_root, "sales.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task TrainTable_PoissonAndQuantileLosses_TravelToPredictExplainEvalAndTheCard()
    {
        _ = fx;
        string csv = Csv();
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-sales", "--label-column", "units", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-sales@1", "--test", "0.25", "--seed", "1", "--json");
        Assert.True(code == 0, err);

        string poissonDir = Path.Combine(_root, "poisson");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-sales@2", "--model", "gbdt", "--loss", "poisson", "--out", poissonDir, "--register", "cli-sales", "--json");
        Assert.True(code == 0, err + stdout);
        var poisson = Json(stdout);
        Assert.Equal("poisson", poisson.GetProperty("loss").GetString());
        var metrics = poisson.GetProperty("metrics");
        double deviance = metrics.GetProperty("test_poisson_deviance").GetDouble();
        Assert.True(metrics.GetProperty("test_rmse").GetDouble() > 0 && metrics.GetProperty("test_mae").GetDouble() > 0, stdout);
        var spec = JsonNode.Parse(File.ReadAllText(Path.Combine(poissonDir, "model.json")))!;
        Assert.Equal("poisson", spec["task"]!["loss"]!.GetValue<string>());
        Assert.Contains("objective=poisson", File.ReadAllText(Path.Combine(poissonDir, "model.txt")));

        // The GLM fits counts too, and auto ranks its candidates by the Poisson deviance.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-sales@2", "--model", "linear", "--loss", "poisson", "--out", Path.Combine(_root, "glm"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal("poisson_regression", Json(stdout).GetProperty("learner").GetString());
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-sales@2", "--loss", "poisson", "--out", Path.Combine(_root, "auto"), "--json");
        Assert.True(code == 0, err + stdout);
        var candidates = Json(stdout).GetProperty("candidates").EnumerateArray().ToList();
        Assert.Equal(["poisson_regression", "gbdt", "random_forest", "mlp"], candidates.Select(c => c.GetProperty("name").GetString()));
        Assert.All(candidates, c => Assert.Equal("poisson_deviance", c.GetProperty("metric").GetString()));

        // predict answers counts (never a log), explain says its contributions are on the log scale.
        string scored = Path.Combine(_root, "scored.csv");
        (code, _, err) = await CliRun.Invoke("predict", "--model", poissonDir, "--input", csv, "--output", scored);
        Assert.True(code == 0, err);
        var predicted = File.ReadAllLines(scored).Skip(1).Select(l => double.Parse(l.Split(',')[^1], CultureInfo.InvariantCulture)).ToList();
        Assert.All(predicted, p => Assert.True(p > 0));
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", poissonDir, "--input", """{"store": "north", "price": 2.0, "promo": true}""", "--json");
        Assert.True(code == 0, err + stdout);
        var explained = Json(stdout);
        Assert.Equal("log", explained.GetProperty("scale").GetString());
        double raw = explained.GetProperty("bias").GetDouble() + explained.GetProperty("contributions").EnumerateObject().Sum(p => p.Value.GetDouble());
        Assert.Equal(Math.Exp(raw), explained.GetProperty("raw_outputs")[0].GetDouble(), 3);

        // eval shows the loss's metric beside RMSE; the model card says what the number estimates.
        string page = Path.Combine(_root, "poisson.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", poissonDir, "--data", "cli-sales@2", "--report", page, "--bootstrap", "20", "--json");
        Assert.True(code == 0, err + stdout);
        var evaluation = Json(stdout);
        Assert.Equal(deviance, evaluation.GetProperty("poisson_deviance").GetDouble(), 4);
        Assert.Equal("poisson", evaluation.GetProperty("loss").GetString());
        Assert.Contains("data-metric=\"poisson_deviance\"", File.ReadAllText(page));
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-sales@1", "--out", Path.Combine(_root, "card"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("the mean, through a log link", Json(stdout).GetProperty("task").GetString());

        // Trained on squared error, train points out that the label holds counts.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-sales@2", "--model", "gbdt", "--trees", "20", "--out", Path.Combine(_root, "squared"));
        Assert.True(code == 0, err + stdout);
        Assert.Contains("--loss poisson fits counts through a log link", stdout.ReplaceLineEndings(" ").Replace("  ", " "));

        // A quantile: about 90% of the test days sell at most what it predicts.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-sales@2", "--model", "gbdt", "--loss", "quantile=0.9", "--out", Path.Combine(_root, "q90"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.InRange(Json(stdout).GetProperty("metrics").GetProperty("test_coverage").GetDouble(), 0.82, 0.97);
        // A linear quantile regression does too.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-sales@2", "--model", "linear", "--loss", "quantile=0.9", "--out", Path.Combine(_root, "q90-linear"), "--json");
        Assert.True(code == 0, err + stdout);
        var linear = Json(stdout);
        Assert.Equal("quantile_regression", linear.GetProperty("learner").GetString());
        Assert.InRange(linear.GetProperty("metrics").GetProperty("test_coverage").GetDouble(), 0.82, 0.97);
    }

    [Theory]
    [InlineData("--model,gbdt,--loss,poison", "'poison' is not a regression loss")]
    [InlineData("--model,gbdt,--loss,gamma", "the gamma loss models positive amounts")]
    public async Task TrainTable_ALossTheLearnerOrTheLabelCannotTake_IsRefusedByName(string args, string expected)
    {
        _ = fx;
        string csv = Csv();
        string name = "cli-refuse-" + Math.Abs(args.GetHashCode(StringComparison.Ordinal)).ToString(CultureInfo.InvariantCulture);
        var (code, _, err) = await CliRun.Invoke("data", "import", csv, "--name", name, "--label-column", "units", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        (code, var stdout, err) = await CliRun.Invoke(["train", "--data", name + "@1", .. args.Split(','), "--out", Path.Combine(_root, "refused")]);
        Assert.NotEqual(0, code);
        Assert.Contains(expected, err + stdout, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--loss,poisson", "--loss sets a table regressor's loss; fashion-mnist is not a table data set")]
    [InlineData("--monotone,x=up", "--monotone constrains a table model's columns; fashion-mnist is not a table data set")]
    [InlineData("--additive", "--additive makes a table model a sum of one curve per column; fashion-mnist is not a table data set")]
    [InlineData("--exclude,home", "--exclude keeps table columns out of a model; fashion-mnist is not a table data set")]
    public async Task Train_ATableOnlyOption_OnAnImageDataSet_IsRefusedByName(string args, string expected)
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke(["train", "--data", "fashion-mnist", .. args.Split(','), "--out", Path.Combine(_root, "refused")]);
        Assert.Equal(2, code);
        Assert.Contains(expected, err + stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TrainTable_ALossOnAClassLabel_IsRefused()
    {
        _ = fx;
        string path = Path.Combine(_root, "yesno.csv");
        File.WriteAllLines(path, ["x,y", .. Enumerable.Range(0, 60).Select(i => $"{i % 7},{(i % 3 == 0 ? "yes" : "no")}")]);
        var (code, _, err) = await CliRun.Invoke("data", "import", path, "--name", "cli-yesno-loss", "--label-column", "y", "--json");
        Assert.True(code == 0, err);
        (code, var stdout, err) = await CliRun.Invoke("train", "--data", "cli-yesno-loss@1", "--model", "gbdt", "--loss", "poisson", "--out", Path.Combine(_root, "x"));
        Assert.NotEqual(0, code);
        Assert.Contains("--loss poisson sets a regressor's loss, but cli-yesno-loss@1's label 'y' holds 2 classes", err + stdout, StringComparison.Ordinal);
    }
}
