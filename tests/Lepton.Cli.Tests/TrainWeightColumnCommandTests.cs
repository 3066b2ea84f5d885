using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton train --weight-column</c> on claim frequencies: policies held for part of a year, the label their claims per year, the
/// exposure (years held) as each row's weight, as an actuary fits a Poisson frequency model. The weighted Poisson GLM balances: its
/// predicted claims (exposure × frequency) add up to the claims seen. The weight is never a feature, the metrics come weighted too,
/// and a weight that is missing, negative, not a number or the label is refused by name, as is the MLP.
/// </summary>
[Collection("cli")]
public sealed class TrainWeightColumnCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-weights").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    private static string Flat(string text) => System.Text.RegularExpressions.Regex.Replace(text, "\\s+", " ");

    // Young drivers claim 0.3 times a year and hold short policies; older ones 0.1 times, for most of a year; cities add half.
    private static List<(string Age, string Area, double Exposure, int Claims)> Policies(int count, int seed)
    {
        var rng = new Random(seed);
        var rows = new List<(string, string, double, int)>();
        for (int i = 0; i < count; i++)
        {
            bool young = rng.NextDouble() < 0.5, city = rng.NextDouble() < 0.4;
            double exposure = Math.Round(young ? 0.05 + rng.NextDouble() * 0.3 : 0.5 + rng.NextDouble() * 0.5, 3);
            double mean = exposure * (young ? 0.3 : 0.1) * (city ? 1.5 : 1);
            int claims = 0;
            for (double p = rng.NextDouble(), limit = Math.Exp(-mean); p > limit; p *= rng.NextDouble()) claims++;
            rows.Add((young ? "young" : "older", city ? "city" : "rural", exposure, claims));
        }
        return rows;
    }

    private string Csv(IEnumerable<(string Age, string Area, double Exposure, int Claims)> rows, string name, Func<int, string>? exposureText = null)
    {
        var sb = new StringBuilder("age,area,exposure,frequency\n");
        int i = 0;
        foreach (var r in rows)
        {
            string e = exposureText?.Invoke(i) ?? r.Exposure.ToString("R", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{r.Age},{r.Area},{e},{(r.Claims / r.Exposure).ToString("R", CultureInfo.InvariantCulture)}\n");
            i++;
        }
        string path = Path.Combine(_root, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public async Task ExposureWeightedPoisson_BalancesPredictedAndSeenClaims_AndTheWeightIsNeverAFeature()
    {
        _ = fx;
        var policies = Policies(3000, 4);
        string csv = Csv(policies, "policies.csv");
        var (code, _, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-wt-claims", "--label-column", "frequency", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        string dir = Path.Combine(_root, "weighted");
        (code, var stdout, err) = await CliRun.Invoke("train", "--data", "cli-wt-claims@1", "--model", "linear", "--loss", "poisson", "--weight-column", "exposure",
            "--out", dir, "--register", "cli-wt-frequency", "--json");
        Assert.True(code == 0, err + stdout);
        var spec = Json(File.ReadAllText(Path.Combine(dir, "model.json")));
        Assert.Equal("exposure", spec.GetProperty("metadata").GetProperty("weight_column").GetString());
        Assert.DoesNotContain("exposure", File.ReadAllText(Path.Combine(dir, "encoders.json")));
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-wt-frequency@1", "--out", Path.Combine(_root, "card"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("each training row counted as much as its exposure", Json(stdout).GetProperty("task").GetString());

        // Every row back through the model: the exposure-weighted claims it predicts are the claims seen (the GLM's balance).
        string scored = Path.Combine(_root, "scored.csv");
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", dir, "--input", csv, "--output", scored);
        Assert.True(code == 0, err + stdout);
        var predicted = File.ReadAllLines(scored).Skip(1).Select(l => double.Parse(l.Split(',')[4], CultureInfo.InvariantCulture)).ToList();
        double expected = policies.Select((p, i) => p.Exposure * predicted[i]).Sum(), seen = policies.Sum(p => p.Claims);
        Assert.True(Math.Abs(expected - seen) < 1e-3 * seen, $"predicted {expected:F3} claims, seen {seen}");

        // Raw outputs to a file: the console shows the first answers and says where the rest are.
        string npy = Path.Combine(_root, "outputs.npy");
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", dir, "--input", csv, "--output", npy);
        Assert.True(code == 0, err + stdout);
        Assert.Contains($"... and {3000 - 20:N0} more in {npy}", Flat(stdout));
        Assert.Equal(20, stdout.Split('\n').Count(l => l.Contains("│ row ", StringComparison.Ordinal)));

        // Split, the validation and test metrics come weighted as well.
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-wt-claims@1", "--test", "0.25", "--validation", "0.2", "--seed", "2", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-wt-claims@2", "--model", "gbdt", "--loss", "poisson", "--weight-column", "exposure",
            "--out", Path.Combine(_root, "trees"), "--json");
        Assert.True(code == 0, err + stdout);
        var metrics = Json(stdout).GetProperty("metrics");
        foreach (var name in new[] { "test_weighted_poisson_deviance", "test_weighted_rmse", "validation_weighted_poisson_deviance", "test_poisson_deviance" })
            Assert.True(metrics.TryGetProperty(name, out var v) && double.IsFinite(v.GetDouble()), $"{name} in {metrics}");

        // eval reports the same weighted figures on the test split.
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", Path.Combine(_root, "trees"), "--data", "cli-wt-claims@2", "--json");
        Assert.True(code == 0, err + stdout);
        var weighted = Json(stdout).GetProperty("weighted");
        Assert.Equal("exposure", weighted.GetProperty("column").GetString());
        Assert.Equal(metrics.GetProperty("test_weighted_poisson_deviance").GetDouble(), weighted.GetProperty("poisson_deviance").GetDouble(), 5);
        Assert.Equal(metrics.GetProperty("test_weighted_rmse").GetDouble(), weighted.GetProperty("rmse").GetDouble(), 5);
        string page = Path.Combine(_root, "trees-report.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", Path.Combine(_root, "trees"), "--data", "cli-wt-claims@2", "--report", page);
        Assert.True(code == 0, err + stdout);
        Assert.Contains($"weighted by exposure ({weighted.GetProperty("rows").GetInt32():N0} rows): RMSE", Flat(stdout));
        // The report page says it too, under its headline metrics.
        string html = File.ReadAllText(page);
        Assert.Contains("<p class=\"weighted\" data-column=\"exposure\">Each row weighted by its <strong>exposure</strong>", html);
        Assert.Contains("Poisson deviance <strong", html);
    }

    // A yes/no label (did the policy claim?) weighted by a column of ones: eval's weighted accuracy is its accuracy.
    [Fact]
    public async Task AClassifiersWeightedAccuracy_IsItsAccuracy_WhenEveryRowWeighsOne()
    {
        _ = fx;
        var sb = new StringBuilder("age,area,one,claimed\n");
        foreach (var p in Policies(1200, 6)) sb.Append(CultureInfo.InvariantCulture, $"{p.Age},{p.Area},1,{(p.Claims > 0 || p.Exposure < 0.1 ? "yes" : "no")}\n");
        string csv = Path.Combine(_root, "claimed.csv");
        File.WriteAllText(csv, sb.ToString());
        var (code, _, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-wt-claimed", "--label-column", "claimed", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-wt-claimed@1", "--test", "0.3", "--seed", "1", "--json");
        Assert.True(code == 0, err);
        string dir = Path.Combine(_root, "claimed");
        (code, var stdout, err) = await CliRun.Invoke("train", "--data", "cli-wt-claimed@2", "--model", "logistic", "--weight-column", "one", "--out", dir, "--json");
        Assert.True(code == 0, err + stdout);
        var metrics = Json(stdout).GetProperty("metrics");
        Assert.Equal(metrics.GetProperty("test_accuracy").GetDouble(), metrics.GetProperty("test_weighted_accuracy").GetDouble(), 12);
        string page = Path.Combine(_root, "claimed-report.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", dir, "--data", "cli-wt-claimed@2", "--json", "--report", page);
        Assert.True(code == 0, err + stdout);
        Assert.Contains("Weighted by one", File.ReadAllText(page));
        var o = Json(stdout);
        Assert.Equal(o.GetProperty("evaluation").GetProperty("accuracy").GetDouble(), o.GetProperty("weighted").GetProperty("accuracy").GetDouble(), 12);
        Assert.Equal(metrics.GetProperty("test_accuracy").GetDouble(), o.GetProperty("weighted").GetProperty("accuracy").GetDouble(), 12);
    }

    // Whether a policy claimed, weighted by its exposure: the calibration and the threshold rule count each held-out row its weight, as
    // the loss did (and say so where they record their rows), and so does a later lepton models calibrate of the same model.
    [Fact]
    public async Task ACalibrationAndAThresholdRule_CountEachHeldOutRowItsWeight()
    {
        _ = fx;
        var sb = new StringBuilder("age,area,exposure,claimed\n");
        foreach (var p in Policies(1500, 8))
            sb.Append(CultureInfo.InvariantCulture, $"{p.Age},{p.Area},{p.Exposure.ToString("R", CultureInfo.InvariantCulture)},{(p.Claims > 0 ? "yes" : "no")}\n");
        string csv = Path.Combine(_root, "claimed-exposure.csv");
        File.WriteAllText(csv, sb.ToString());
        var (code, _, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-wt-calibrated", "--label-column", "claimed", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-wt-calibrated@1", "--test", "0.2", "--validation", "0.3", "--seed", "1", "--json");
        Assert.True(code == 0, err);
        string dir = Path.Combine(_root, "calibrated");
        (code, var stdout, err) = await CliRun.Invoke("train", "--data", "cli-wt-calibrated@2", "--model", "logistic", "--weight-column", "exposure",
            "--calibrate", "sigmoid", "--threshold", "f1", "--out", dir, "--register", "cli-wt-calibrated", "--json");
        Assert.True(code == 0, err + stdout);
        var calibration = Json(File.ReadAllText(Path.Combine(dir, "calibration.json")));
        Assert.Equal("the validation split, each row counting its weight", calibration.GetProperty("source").GetString());
        var threshold = Json(File.ReadAllText(Path.Combine(dir, "model.json"))).GetProperty("metadata").GetProperty("decision_threshold");
        Assert.Equal("the validation split, each row counting its weight", threshold.GetProperty("source").GetString());

        string plainDir = Path.Combine(_root, "uncalibrated");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-wt-calibrated@2", "--model", "logistic", "--weight-column", "exposure",
            "--out", plainDir, "--register", "cli-wt-uncalibrated", "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("models", "calibrate", "cli-wt-uncalibrated@1", "--data", "cli-wt-calibrated@2", "--method", "sigmoid", "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal("cli-wt-uncalibrated@2", Json(stdout).GetProperty("registered").GetString());
        string folder;
        await using (var registry = await Lepton.Registry.ModelRegistry.OpenAsync(null)) folder = (await registry.ResolveAsync("cli-wt-uncalibrated@2")).Folder;
        var later = Json(File.ReadAllText(Path.Combine(folder, "calibration.json")));
        Assert.Equal("the validation split of cli-wt-calibrated@2, each row weighted by 'exposure'", later.GetProperty("source").GetString());
        // The same model, rows and method: both fits count the rows alike, so they find the same sigmoid.
        var (a, b) = (calibration.GetProperty("maps")[0], later.GetProperty("maps")[0]);
        foreach (var key in new[] { "slope", "intercept" }) Assert.Equal(a.GetProperty(key).GetDouble(), b.GetProperty(key).GetDouble(), 4);
    }

    [Fact]
    public async Task BadWeights_AndLearnersWithoutThem_AreRefusedByName()
    {
        _ = fx;
        var policies = Policies(200, 5);
        async Task<string> ImportAsync(string name, Func<int, string>? exposure)
        {
            var (code, _, err) = await CliRun.Invoke("data", "import", Csv(policies, name + ".csv", exposure), "--name", name, "--label-column", "frequency",
                "--task", "regression", "--json");
            Assert.True(code == 0, err);
            return name + "@1";
        }
        Task RefusedAsync(string data, string says, string model = "gbdt") =>
            CliRun.Refused(says, "train", "--data", data, "--model", model, "--weight-column", "exposure", "--out", Path.Combine(_root, "x"));
        await RefusedAsync(await ImportAsync("cli-wt-negative", i => i == 7 ? "-0.5" : null!), "Row 8's 'exposure' is -0.5; a weight says how much a row counts");
        await RefusedAsync(await ImportAsync("cli-wt-missing", i => i == 3 ? "" : null!), "Row 4 has no 'exposure' (--weight-column): every row needs its weight");
        await RefusedAsync(await ImportAsync("cli-wt-words", i => i % 2 == 0 ? "short" : "long"), "--weight-column 'exposure' of cli-wt-words@1 is");
        await RefusedAsync("cli-wt-missing@1", "the MLP takes no row weights", "mlp");
        await CliRun.Refused("--weight-column names 'frequency', the label of cli-wt-missing@1",
            "train", "--data", "cli-wt-missing@1", "--model", "gbdt", "--weight-column", "frequency", "--out", Path.Combine(_root, "y"));
        await CliRun.Refused("--weight-column names 'premium', which cli-wt-missing@1 does not have",
            "train", "--data", "cli-wt-missing@1", "--model", "gbdt", "--weight-column", "premium", "--out", Path.Combine(_root, "z"));
        await CliRun.Refused("--weight-column weighs a table's rows",
            "train", "--data-dir", fx.DataDir, "--model", "mlp", "--weight-column", "exposure", "--epochs", "1", "--out", Path.Combine(_root, "img"));
        Assert.False(File.Exists(Path.Combine(_root, "x", "model.txt")));
    }
}
