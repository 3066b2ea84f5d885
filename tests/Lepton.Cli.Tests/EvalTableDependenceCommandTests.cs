using System.Text.Json;
using System.Text.RegularExpressions;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton eval --report</c> draws a table model's partial dependence: a linear model's curve is its weight times the value
/// (price rises 3 per square metre; the city side adds 40), and a gbdt held monotone in a column the data bends says, row by row,
/// that the constraint held.
/// </summary>
[Collection("cli")]
public sealed class EvalTableDependenceCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-eval-dependence").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    // Homes of 90 to 110 m² are 60 cheaper than their size says (a dip a monotone model may not follow).
    private string Csv() => HousePrices.Csv(_root, 400, seed: 5, (_, size) => size is > 90 and < 110 ? -60 : 0);

    private static JsonElement Curve(JsonElement json, string column) =>
        json.GetProperty("partial_dependence").EnumerateArray().Single(c => c.GetProperty("column").GetString() == column);

    private static double[] Numbers(JsonElement curve, string key) =>
        [.. curve.GetProperty("outputs")[0].GetProperty(key).EnumerateArray().Select(v => v.GetDouble())];

    [Fact]
    public async Task EvalReport_DrawsPartialDependence_AndChecksAMonotoneColumnRowByRow()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-dip", "--label-column", "price", "--json");
        Assert.True(code == 0, err);

        // A linear model: the curve along size is a straight line of slope ≈ 3; the rows' spread around it is the side's 40.
        string linear = Path.Combine(_root, "linear");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-dip@1", "--model", "linear", "--out", linear, "--json");
        Assert.True(code == 0, err + stdout);
        string page = Path.Combine(_root, "linear.html");
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", linear, "--data", "cli-dip@1", "--report", page, "--bootstrap", "50", "--json");
        Assert.True(code == 0, err + stdout);
        var json = JsonDocument.Parse(stdout).RootElement;
        var size = Curve(json, "size");
        var grid = size.GetProperty("grid").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var average = Numbers(size, "average");
        Assert.Equal(20, grid.Length);
        Assert.InRange((average[^1] - average[0]) / (grid[^1] - grid[0]), 2.5, 3.5);
        var (low, high) = (Numbers(size, "p10"), Numbers(size, "p90"));
        for (int i = 0; i < grid.Length; i++) Assert.InRange(high[i] - low[i], 30, 50);
        Assert.False(size.TryGetProperty("constraint", out _));
        var side = Curve(json, "side");
        Assert.Equal(["city", "farm"], side.GetProperty("values").EnumerateArray().Select(v => v.GetString()).Order());
        string html = await File.ReadAllTextAsync(page);
        Assert.Contains("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" width=\"440\" height=\"250\"", html);
        Assert.Matches("data-chart=\"partial-dependence\" data-column=\"size\"", html);
        Assert.Matches("data-chart=\"partial-dependence\" data-column=\"side\"", html);
        Assert.Contains("<a href=\"#dependence\">dependence</a>", html);

        // Trees follow the dip unless held: the free model's curve falls somewhere, the constrained one's never does, for any row.
        string free = Path.Combine(_root, "free"), held = Path.Combine(_root, "held");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-dip@1", "--model", "gbdt", "--out", free, "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-dip@1", "--model", "gbdt", "--monotone", "size=increasing", "--out", held, "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", free, "--data", "cli-dip@1", "--json");
        Assert.True(code == 0, err + stdout);
        var freeAverage = Numbers(Curve(JsonDocument.Parse(stdout).RootElement, "size"), "average");
        Assert.Contains(Enumerable.Range(1, freeAverage.Length - 1), i => freeAverage[i] < freeAverage[i - 1] - 10);
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", held, "--data", "cli-dip@1", "--json");
        Assert.True(code == 0, err + stdout);
        var constrained = Curve(JsonDocument.Parse(stdout).RootElement, "size");
        Assert.Equal("increasing", constrained.GetProperty("constraint").GetString());
        Assert.True(constrained.GetProperty("held").GetBoolean());
        Assert.Equal(0, constrained.GetProperty("largest_step_against").GetDouble());
        // One house's own curve: --vary sweeps size over its training values with the rest of the row kept.
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", linear, "--input", "{\"size\": 100, \"side\": \"farm\"}", "--vary", "size", "--json");
        Assert.True(code == 0, err + stdout);
        var swept = JsonDocument.Parse(stdout).RootElement.GetProperty("vary");
        var sizes = swept.GetProperty("grid").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var prices = swept.GetProperty("outputs")[0].GetProperty("answers").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Assert.Equal(20, prices.Length);
        Assert.InRange((prices[^1] - prices[0]) / (sizes[^1] - sizes[0]), 2.5, 3.5);
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", linear, "--input", "{\"size\": 100, \"side\": \"farm\"}", "--vary", "side", "--json");
        Assert.True(code == 0, err + stdout);
        swept = JsonDocument.Parse(stdout).RootElement.GetProperty("vary");
        var bySide = swept.GetProperty("values").EnumerateArray().Select(v => v.GetString()!)
            .Zip(swept.GetProperty("outputs")[0].GetProperty("answers").EnumerateArray().Select(v => v.GetDouble())).ToDictionary(p => p.First, p => p.Second);
        Assert.InRange(bySide["city"] - bySide["farm"], 30, 50);
        (code, stdout, err) = await CliRun.Invoke("explain", "--model", linear, "--input", "{\"size\": 100, \"side\": \"farm\"}", "--vary", "house_id");
        Assert.Equal(2, code);
        Assert.Contains("reads no column 'house_id'; it can sweep size, side", err, StringComparison.Ordinal);

        // The console says so too.
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", held, "--data", "cli-dip@1");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("Monotone increasing (trained so): no row's answer falls as size grows.", Regex.Replace(stdout, "\\s+", " "));
    }
}
