using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton data lags</c> on daily visits of four shops whose counts carry over from day to day: the derived version keeps the split,
/// adds the lag and rolling-mean columns from each shop's earlier days only, and a model trained on it forecasts the latest days far
/// better than one that sees the calendar alone; a version without a time column, or a target that is not a number, is refused.
/// </summary>
[Collection("cli")]
public sealed class DataLagsCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-lags").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    [Fact]
    public async Task LagsOfEachShopsEarlierDays_ForecastTheLatestDaysBetter()
    {
        _ = fx;
        var rng = new Random(5);
        var csv = new StringBuilder("day,shop,weekday,visits\n");
        string[] shops = ["north", "south", "east", "west"];
        var level = new double[shops.Length];
        for (int d = 0; d < 200; d++)
            for (int s = 0; s < shops.Length; s++)
            {
                // A slow random walk around each shop's own mean: yesterday says most of what today will be.
                level[s] = 0.9 * level[s] + 0.1 * (50 + 10 * s) + (rng.NextDouble() - 0.5) * 12;
                var day = new DateTime(2025, 1, 1).AddDays(d);
                csv.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{shops[s]},{(int)day.DayOfWeek},{Math.Round(level[s] + (rng.NextDouble() - 0.5) * 2, 1)}\n");
            }
        string path = Path.Combine(_root, "visits.csv");
        File.WriteAllText(path, csv.ToString());
        var (code, stdout, err) = await CliRun.Invoke("data", "import", path, "--name", "cli-lag-visits", "--label-column", "visits", "--task", "regression",
            "--time-column", "day", "--json");
        Assert.True(code == 0, err + stdout);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-lag-visits@1", "--test", "0.2", "--json");
        Assert.True(code == 0, err);

        (code, stdout, err) = await CliRun.Invoke("data", "lags", "cli-lag-visits@2", "--by", "shop", "--lags", "1,2", "--rolling", "7", "--json");
        Assert.True(code == 0, err + stdout);
        var o = Json(stdout);
        Assert.Equal((3, 2, 800), (o.GetProperty("version").GetInt32(), o.GetProperty("parent_version").GetInt32(), o.GetProperty("rows").GetInt32()));
        // Each shop's first day has no yesterday, its first two no lag 2; the mean needs one earlier day.
        var added = o.GetProperty("added");
        Assert.Equal((796, 792, 796), (added.GetProperty("visits_lag_1").GetInt32(), added.GetProperty("visits_lag_2").GetInt32(), added.GetProperty("visits_mean_7").GetInt32()));

        async Task<double> RmseAsync(string data, string dir)
        {
            var (c, output, e) = await CliRun.Invoke("train", "--data", data, "--model", "gbdt", "--out", Path.Combine(_root, dir), "--json");
            Assert.True(c == 0, e + output);
            return Json(output).GetProperty("metrics").GetProperty("test_rmse").GetDouble();
        }
        double calendar = await RmseAsync("cli-lag-visits@2", "calendar"), lagged = await RmseAsync("cli-lag-visits@3", "lagged");
        Assert.True(lagged < 0.6 * calendar, $"test RMSE with lags {lagged:F2}, without {calendar:F2}");

        // Forecasting: the next week's rows with an empty target, derived with the history and scored from the version itself.
        string ahead = Path.Combine(_root, "ahead.csv");
        var future = new StringBuilder(csv.ToString());
        for (int d = 200; d < 207; d++)
            foreach (var shop in shops)
            {
                var day = new DateTime(2025, 1, 1).AddDays(d);
                future.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd},{shop},{(int)day.DayOfWeek},\n");
            }
        File.WriteAllText(ahead, future.ToString());
        (code, _, err) = await CliRun.Invoke("data", "import", ahead, "--name", "cli-lag-ahead", "--label-column", "visits", "--task", "regression", "--time-column", "day", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "lags", "cli-lag-ahead@1", "--by", "shop", "--lags", "1", "--rolling", "7", "--json");
        Assert.True(code == 0, err);
        string forecaster = Path.Combine(_root, "forecaster");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-lag-ahead@2", "--model", "gbdt", "--out", forecaster, "--json");
        Assert.True(code == 0, err + stdout);
        string forecast = Path.Combine(_root, "forecast.csv");
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", forecaster, "--data", "cli-lag-ahead@2", "--rows", "unlabelled", "--output", forecast);
        Assert.True(code == 0, err + stdout);
        var lines = File.ReadAllLines(forecast);
        Assert.Equal(1 + 28, lines.Length);
        var header = lines[0].Split(',');
        Assert.Equal(["day", "shop", "weekday", "visits", "visits_lag_1", "visits_mean_7", "prediction", "step"], header);
        Assert.Equal(Enumerable.Range(1, 7).SelectMany(d => Enumerable.Repeat(d.ToString(CultureInfo.InvariantCulture), 4)), lines[1..].Select(l => l.Split(',')[7]));
        // Tomorrow reads today's visits: its forecast is near each shop's last level. The days after read the forecast of the day
        // before them (step by step), as the actual is not known yet, so the week stays near the level too.
        var last = csv.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)[^4..].Select(l => l.Split(',')).ToDictionary(c => c[1], c => double.Parse(c[3], CultureInfo.InvariantCulture));
        var previous = new Dictionary<string, double>(last);
        foreach (var cells in lines[1..].Select(l => l.Split(',')))
        {
            double lag = double.Parse(cells[4], CultureInfo.InvariantCulture), answer = double.Parse(cells[6], CultureInfo.InvariantCulture);
            Assert.Equal(previous[cells[1]], lag, 4);
            Assert.Equal("", cells[3]);
            Assert.InRange(answer, last[cells[1]] - 10, last[cells[1]] + 10);
            previous[cells[1]] = answer;
        }
        await CliRun.Refused("--rows soon: give all, unlabelled", "predict", "--model", forecaster, "--data", "cli-lag-ahead@2", "--rows", "soon");
        await CliRun.Refused("--data scores a table version's rows; --input and --query give other rows", "predict", "--model", forecaster, "--data", "cli-lag-ahead@2", "--input", ahead);

        await CliRun.Refused("'shop' is categorical; lags are taken of a number", "data", "lags", "cli-lag-visits@2", "--target", "shop", "--lags", "1");
        await CliRun.Refused("--lags 1,x: give whole numbers separated by commas", "data", "lags", "cli-lag-visits@2", "--lags", "1,x");
        (code, _, err) = await CliRun.Invoke("data", "import", path, "--name", "cli-lag-untimed", "--label-column", "visits", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        await CliRun.Refused("cli-lag-untimed@1 has no time column; name the column that orders its rows with --time", "data", "lags", "cli-lag-untimed@1", "--lags", "1");
    }
}
