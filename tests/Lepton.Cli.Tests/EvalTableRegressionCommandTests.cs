using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton eval --report</c> on a table regressor: RMSE, MAE and R² with bootstrap intervals, the residual plot, the rows it
/// misses most (one planted outlier first, with its raw values) and the permutation importance.
/// </summary>
[Collection("cli")]
public sealed class EvalTableRegressionCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-eval-regression").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Row H7 is priced 500 above what its size says.
    private string Csv() => HousePrices.Csv(_root, 300, seed: 3, (i, _) => i == 7 ? 500 : 0);

    [Fact]
    public async Task EvalReport_OnATableRegressor_GivesErrorsWithIntervals_ResidualsAndTheWorstRows()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-houses", "--label-column", "price", "--json");
        Assert.True(code == 0, err);
        string model = Path.Combine(_root, "linear");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-houses@1", "--model", "linear", "--out", model, "--json");
        Assert.True(code == 0, err + stdout);

        string page = Path.Combine(_root, "houses.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", model, "--data", "cli-houses@1", "--report", page, "--bootstrap", "200", "--json");
        Assert.True(code == 0, err + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal("rmse", json.GetProperty("metric").GetString());
        double rmse = json.GetProperty("rmse").GetDouble(), mae = json.GetProperty("mae").GetDouble(), r2 = json.GetProperty("r2").GetDouble();
        Assert.Equal(rmse, json.GetProperty("value").GetDouble());
        Assert.Equal(300, json.GetProperty("count").GetInt32());
        Assert.True(mae <= rmse && r2 > 0.8, stdout);
        foreach (var key in new[] { "rmse", "mae", "r2" })
        {
            var interval = json.GetProperty("intervals").GetProperty(key);
            Assert.InRange(json.GetProperty(key).GetDouble(), interval.GetProperty("low").GetDouble(), interval.GetProperty("high").GetDouble());
        }
        var worst = json.GetProperty("worst_rows").EnumerateArray().ToList();
        Assert.Equal(24, worst.Count);
        // The planted outlier is the worst row: its price is 500 above the fit.
        Assert.True(worst[0].GetProperty("residual").GetDouble() < -300, worst[0].ToString());
        var residuals = worst.Select(w => Math.Abs(w.GetProperty("residual").GetDouble())).ToList();
        Assert.Equal(residuals.OrderDescending(), residuals);
        Assert.Equal("size", json.GetProperty("permutation_importance")[0].GetProperty("column").GetString());

        string html = await File.ReadAllTextAsync(page);
        Assert.Matches($"<tr class=\"metric\" data-metric=\"r2\" data-value=\"{Regex.Escape(r2.ToString("R", CultureInfo.InvariantCulture))}\"", html);
        Assert.Contains("<g class=\"series scatter\" data-series=\"rows\" data-points=\"300\"", html);
        var gallery = Regex.Match(html, "<div class=\"gallery wide worst\">(.*?)</div></section>", RegexOptions.Singleline).Value;
        Assert.Equal(24, Regex.Count(gallery, "<table class=\"row\">"));
        Assert.Contains("<td data-column=\"house_id\">H7</td>", Regex.Match(gallery, "<figure.*?</figure>", RegexOptions.Singleline).Value);
        Assert.True(File.Exists(Path.Combine(_root, "houses.evaluation.json")));
    }

    [Fact]
    public async Task EvalCompare_TwoTableRegressors_PairedDifferencesTheSignTestAndTheRowsTheyDisagreeOn()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-houses-compare", "--label-column", "price", "--json");
        Assert.True(code == 0, err);
        string linear = Path.Combine(_root, "linear"), trees = Path.Combine(_root, "trees");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-houses-compare@1", "--model", "linear", "--out", linear, "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-houses-compare@1", "--model", "gbdt", "--trees", "5", "--out", trees, "--json");
        Assert.True(code == 0, err + stdout);

        string page = Path.Combine(_root, "compare.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--compare", linear, trees, "--data", "cli-houses-compare@1", "--report", page, "--bootstrap", "200", "--json");
        Assert.True(code == 0, err + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        Assert.Equal(300, json.GetProperty("rows").GetInt32());
        var rmse = json.GetProperty("differences").EnumerateArray().Single(d => d.GetProperty("metric").GetString() == "rmse");
        // Five trees cannot follow a straight line that the linear model fits: B's RMSE is clearly higher.
        Assert.True(rmse.GetProperty("b").GetDouble() > rmse.GetProperty("a").GetDouble(), rmse.ToString());
        Assert.InRange(rmse.GetProperty("difference").GetDouble(), rmse.GetProperty("low").GetDouble(), rmse.GetProperty("high").GetDouble());
        Assert.True(rmse.GetProperty("significant").GetBoolean(), rmse.ToString());
        var closer = json.GetProperty("closer");
        Assert.True(closer.GetProperty("a").GetInt32() > closer.GetProperty("b").GetInt32(), closer.ToString());
        string html = await File.ReadAllTextAsync(page);
        Assert.Contains("data-chart=\"predictions\"", html);
        Assert.Contains("Where they disagree most", html);

        // A regressor against a classifier is refused with both named.
        string classifier = Path.Combine(_root, "classifier");
        File.WriteAllText(Path.Combine(_root, "sides.csv"), "size,side\n" + string.Join("\n", Enumerable.Range(0, 60).Select(i => $"{i % 20},{(i % 2 == 0 ? "city" : "farm")}")) + "\n");
        (code, stdout, err) = await CliRun.Invoke("data", "import", Path.Combine(_root, "sides.csv"), "--name", "cli-sides", "--label-column", "side", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-sides@1", "--model", "logistic", "--out", classifier, "--json");
        Assert.True(code == 0, err + stdout);
        (code, _, err) = await CliRun.Invoke("eval", "--compare", linear, classifier, "--data", "cli-houses-compare@1");
        Assert.NotEqual(0, code);
        Assert.Contains("two classifiers or two regressors", err);
    }
}
