using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Lepton.Cli.Tests;

/// <summary>
/// <c>lepton train --intervals</c> on a count table: a Poisson model's intervals widen with the count they surround (residuals scaled
/// by the answer's spread), hold about the level on test rows, and <c>predict</c> (display, <c>--json</c>, a scored CSV) and
/// <c>eval</c> answer them from the model folder; a level outside (0, 1), a quantile model's other level and an image data set are
/// refused by name. <c>lepton models intervals</c> gives a registered table or image classifier prediction sets, over all rows or
/// class by class, which <c>predict</c>, <c>eval --groups</c> and the model card read.
/// </summary>
[Collection("cli")]
public sealed class IntervalsCommandTests(TrainedModelFixture fx) : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("cli-intervals").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static JsonElement Json(string stdout) => JsonDocument.Parse(stdout).RootElement.Clone();

    // 2,400 store-days: sales counts whose mean grows with footfall and doubles on promotions.
    private string Csv(int rows = 2400, int seed = 5)
    {
        var rng = new Random(seed);
        var sb = new StringBuilder("footfall,promo,store,sales\n");
        string[] stores = ["a", "b", "c"];
        for (int i = 0; i < rows; i++)
        {
            double footfall = Math.Round(rng.NextDouble() * 100, 1);
            bool promo = rng.NextDouble() < 0.3;
            int s = rng.Next(3);
            double mean = Math.Exp(0.5 + 0.025 * footfall + (promo ? 0.7 : 0) + 0.2 * s);
            sb.Append(CultureInfo.InvariantCulture, $"{footfall},{(promo ? "yes" : "no")},{stores[s]},{Poisson(rng, mean)}\n");
        }
        var path = Path.Combine(_root, $"sales-{seed}.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    // Knuth's method for small means; the normal approximation above 30.
    private static int Poisson(Random rng, double mean)
    {
        if (mean > 30) return Math.Max(0, (int)Math.Round(mean + Math.Sqrt(mean) * Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble())));
        double limit = Math.Exp(-mean), p = 1;
        int k = 0;
        do { k++; p *= rng.NextDouble(); } while (p > limit);
        return k - 1;
    }

    [Fact]
    public async Task Intervals_WidenWithTheCount_HoldTheLevelOnTestRows_AndEveryConsumerAnswersThem()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(), "--name", "cli-ivl-sales", "--label-column", "sales", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-ivl-sales@1", "--test", "0.25", "--validation", "0.25", "--seed", "3", "--json");
        Assert.True(code == 0, err);
        string dir = Path.Combine(_root, "model");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-ivl-sales@2", "--model", "gbdt", "--loss", "poisson", "--intervals", "0.9", "--out", dir,
            "--register", "cli-ivl-sales", "--json");
        Assert.True(code == 0, err + stdout);
        var trained = Json(stdout);
        Assert.Equal("scaled", trained.GetProperty("intervals").GetProperty("score").GetString());
        Assert.Equal("the validation split", trained.GetProperty("intervals").GetProperty("source").GetString());
        double coverage = trained.GetProperty("metrics").GetProperty("test_interval_coverage").GetDouble();
        Assert.InRange(coverage, 0.86, 0.94);
        Assert.True(File.Exists(Path.Combine(dir, "intervals.json")));

        // The plain output says it too.
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-ivl-sales@2", "--model", "gbdt", "--loss", "poisson", "--intervals", "0.9", "--out", Path.Combine(_root, "again"));
        Assert.True(code == 0, err + stdout);
        Assert.Contains("conformal 90% intervals (residuals scaled by the answer^0.5", Flat(stdout));

        // A scored CSV: each row's bounds beside its answer; a quiet store-day's interval is narrower than a promoted busy one's.
        string rows = Path.Combine(_root, "rows.csv"), scored = Path.Combine(_root, "scored.csv");
        File.WriteAllText(rows, "footfall,promo,store\n5,no,a\n95,yes,c\n");
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-sales@latest", "--input", rows, "--output", scored);
        Assert.True(code == 0, err + stdout);
        var lines = File.ReadAllLines(scored);
        Assert.Equal("footfall,promo,store,prediction,interval_lower,interval_upper", lines[0]);
        var cells = lines.Skip(1).Select(l => l.Split(',').Skip(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        foreach (var c in cells) Assert.True(c[1] <= c[0] && c[0] <= c[2] && c[1] >= 0, string.Join(",", c));
        Assert.True(cells[1][2] - cells[1][1] > 3 * (cells[0][2] - cells[0][1]), $"quiet {cells[0][2] - cells[0][1]:F2}, busy {cells[1][2] - cells[1][1]:F2}");

        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-sales@latest", "--input", rows, "--json");
        Assert.True(code == 0, err + stdout);
        var interval = Json(stdout)[1].GetProperty("interval");
        Assert.Equal(0.9, interval.GetProperty("level").GetDouble());
        Assert.Equal(cells[1][2], interval.GetProperty("upper").GetDouble(), 4);

        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "cli-ivl-sales@latest", "--data", "cli-ivl-sales@2", "--json");
        Assert.True(code == 0, err + stdout);
        var conformal = Json(stdout).GetProperty("conformal");
        Assert.Equal(coverage, conformal.GetProperty("interval_coverage").GetDouble(), 3);
        Assert.True(conformal.GetProperty("interval_width").GetDouble() > 0);
    }

    // Squared error on counts whose spread grows with the mean: two conformalized quantile models give a quiet store-day a narrow
    // interval and a promoted busy one a wide one, where residuals give both one width; eval measures them with each row's band.
    [Fact]
    public async Task QuantileIntervals_FollowTheSpreadOfEachRow_InTrainPredictAndEval()
    {
        _ = fx;
        var (code, stdout, err) = await CliRun.Invoke("data", "import", Csv(2400, 8), "--name", "cli-ivl-band", "--label-column", "sales", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-ivl-band@1", "--test", "0.25", "--validation", "0.25", "--seed", "3", "--json");
        Assert.True(code == 0, err);
        string dir = Path.Combine(_root, "band");
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-ivl-band@2", "--model", "gbdt", "--intervals", "0.9", "--intervals-method", "quantiles",
            "--out", dir, "--register", "cli-ivl-band", "--json");
        Assert.True(code == 0, err + stdout);
        var intervals = Json(stdout).GetProperty("intervals");
        Assert.Equal("quantiles", intervals.GetProperty("score").GetString());
        Assert.Equal([0.05, 0.95], intervals.GetProperty("band").EnumerateArray().Select(v => v.GetDouble()));
        double coverage = Json(stdout).GetProperty("metrics").GetProperty("test_interval_coverage").GetDouble();
        Assert.InRange(coverage, 0.85, 0.95);
        Assert.True(Directory.Exists(Path.Combine(dir, "interval_lower")) && Directory.Exists(Path.Combine(dir, "interval_upper")));
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-ivl-band@1", "--out", Path.Combine(_root, "band-card"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("(the band of two quantile models, as wide as each row's spread)", Json(stdout).GetProperty("task").GetString());

        string rows = Path.Combine(_root, "band-rows.csv"), scored = Path.Combine(_root, "band-scored.csv");
        File.WriteAllText(rows, "footfall,promo,store\n5,no,a\n95,yes,c\n");
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-band@latest", "--input", rows, "--output", scored);
        Assert.True(code == 0, err + stdout);
        var cells = File.ReadAllLines(scored).Skip(1).Select(l => l.Split(',').Skip(3).Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray()).ToArray();
        foreach (var c in cells) Assert.True(c[1] <= c[0] && c[0] <= c[2], string.Join(",", c));
        Assert.True(cells[1][2] - cells[1][1] > 3 * (cells[0][2] - cells[0][1]), $"quiet {cells[0][2] - cells[0][1]:F2}, busy {cells[1][2] - cells[1][1]:F2}");

        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "cli-ivl-band@latest", "--data", "cli-ivl-band@2", "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal(coverage, Json(stdout).GetProperty("conformal").GetProperty("interval_coverage").GetDouble(), 3);

        await CliRun.Refused("give their level too, e.g. --intervals 0.9 --intervals-method quantiles", "train", "--data", "cli-ivl-band@2", "--model", "gbdt", "--intervals-method", "quantiles", "--out", Path.Combine(_root, "b1"));
        await CliRun.Refused("--intervals-method cqr is not a way to make intervals; use residuals", "train", "--data", "cli-ivl-band@2", "--model", "gbdt", "--intervals", "0.9", "--intervals-method", "cqr", "--out", Path.Combine(_root, "b2"));
    }

    // The shared MLP on synthetic Fashion-MNIST given sets on its test split: eval on the built-in data set reports their coverage
    // (they were fitted on those rows, so it holds at the level), and predict writes each image's set into a scored CSV and JSON.
    [Fact]
    public async Task ImageSets_AreMeasuredByEvalOnTheBuiltInDataSet_AndWrittenByPredict()
    {
        var (code, stdout, err) = await CliRun.Invoke("models", "intervals", "synthetic@1", "--data", "fashion-mnist", "--data-dir", fx.DataDir, "--split", "test",
            "--level", "0.9", "--register", "cli-ivl-fmnist", "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "cli-ivl-fmnist@1", "--data", "fashion-mnist", "--data-dir", fx.DataDir, "--json");
        Assert.True(code == 0, err + stdout);
        var conformal = Json(stdout).GetProperty("conformal");
        Assert.Equal("probability", conformal.GetProperty("score").GetString());
        Assert.True(conformal.GetProperty("set_coverage").GetDouble() >= 0.9, stdout);
        Assert.Equal(10, conformal.GetProperty("by_class").GetArrayLength());
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "cli-ivl-fmnist@1", "--data", "fashion-mnist", "--data-dir", fx.DataDir);
        Assert.True(code == 0, err + stdout);
        Assert.True(Flat(stdout).Contains("conformal 90% prediction sets"), stdout);

        var rng = new Lepton.Engine.Generator(7);
        var raw = new float[2 * 28 * 28];
        for (int i = 0; i < 2; i++)
            Array.Copy(SyntheticFashionMnist.Image(3 * i, rng).Select(b => (float)b).ToArray(), 0, raw, i * 784, 784);
        string batch = Path.Combine(_root, "images.npy"), csv = Path.Combine(_root, "images.csv"), json = Path.Combine(_root, "images.json");
        Lepton.Data.Formats.Npy.Write(batch, Lepton.Engine.Tensor.FromArray(raw, 2, 28, 28));
        (code, _, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-fmnist@1", "--input", batch, "--output", csv);
        Assert.True(code == 0, err);
        var lines = File.ReadAllLines(csv);
        Assert.EndsWith(",prediction_set", lines[0]);
        // Each row's set, as a quoted JSON array, holds the row's answer.
        foreach (var line in lines.Skip(1))
        {
            string answer = line.Split(',')[1];
            string set = line[(line.IndexOf(",\"[", StringComparison.Ordinal) + 1)..];
            var labels = JsonDocument.Parse(set.Trim('"').Replace("\"\"", "\"")).RootElement.EnumerateArray().Select(l => l.GetString()).ToList();
            Assert.Contains(answer, labels);
        }
        (code, _, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-fmnist@1", "--input", batch, "--output", json);
        Assert.True(code == 0, err);
        Assert.Equal(0.9, Json(File.ReadAllText(json))[0].GetProperty("prediction_set").GetProperty("level").GetDouble());
    }

    [Fact]
    public async Task WrongLevels_AndDataWithoutTables_AreRefusedByName()
    {
        _ = fx;
        var (code, _, err) = await CliRun.Invoke("data", "import", Csv(400, 6), "--name", "cli-ivl-small", "--label-column", "sales", "--task", "regression", "--json");
        Assert.True(code == 0, err);
        await CliRun.Refused("strictly between 0 and 1", "train", "--data", "cli-ivl-small@1", "--model", "gbdt", "--intervals", "1.5", "--out", Path.Combine(_root, "x"));
        await CliRun.Refused("pass --intervals 0.9", "train", "--data", "cli-ivl-small@1", "--model", "gbdt", "--loss", "quantile=0.9", "--intervals", "0.8", "--out", Path.Combine(_root, "y"));
        await CliRun.Refused("needs at least 999 held-out rows", "train", "--data", "cli-ivl-small@1", "--model", "gbdt", "--intervals", "0.999", "--out", Path.Combine(_root, "z"));
        await CliRun.Refused("fits a classifier's sets class by class, but cli-ivl-small@1's label 'sales' is a regression target", "train", "--data", "cli-ivl-small@1", "--model", "gbdt", "--intervals", "0.9", "--intervals-per-class", "--out", Path.Combine(_root, "w"));
        await CliRun.Refused("give the level too, e.g. --intervals 0.9 --intervals-per-class", "train", "--data", "cli-ivl-small@1", "--model", "gbdt", "--intervals-per-class", "--out", Path.Combine(_root, "v"));
        await CliRun.Refused("--intervals answers a table model's rows", "train", "--data-dir", fx.DataDir, "--model", "mlp", "--intervals", "0.9", "--epochs", "1", "--out", Path.Combine(_root, "img"));
    }

    [Fact]
    public async Task ModelsIntervals_GivesARegisteredClassifierSetsAsANewVersion_AndRefusesWhatItCannotDo()
    {
        _ = fx;
        // Busy store-days as a yes/no label: the same rows, classified.
        var lines = File.ReadAllLines(Csv(1600, 8));
        var yesNo = lines.Skip(1).Select(l => l.Split(',')).Select(c => $"{c[0]},{c[1]},{c[2]},{(int.Parse(c[3], CultureInfo.InvariantCulture) > 6 ? "busy" : "quiet")}");
        string csv = Path.Combine(_root, "busy.csv");
        File.WriteAllLines(csv, ["footfall,promo,store,day", .. yesNo]);
        var (code, stdout, err) = await CliRun.Invoke("data", "import", csv, "--name", "cli-ivl-busy", "--label-column", "day", "--json");
        Assert.True(code == 0, err);
        (code, _, err) = await CliRun.Invoke("data", "split", "cli-ivl-busy@1", "--test", "0.3", "--validation", "0.3", "--seed", "1", "--json");
        Assert.True(code == 0, err);
        (code, stdout, err) = await CliRun.Invoke("train", "--data", "cli-ivl-busy@2", "--model", "logistic", "--out", Path.Combine(_root, "busy"), "--register", "cli-ivl-busy", "--json");
        Assert.True(code == 0, err + stdout);
        (code, stdout, err) = await CliRun.Invoke("models", "intervals", "cli-ivl-busy@1", "--data", "cli-ivl-busy@2", "--level", "0.95", "--json");
        Assert.True(code == 0, err + stdout);
        var o = Json(stdout);
        Assert.Equal("cli-ivl-busy@2", o.GetProperty("registered").GetString());
        Assert.Equal("validation", o.GetProperty("split").GetString());
        Assert.InRange(o.GetProperty("test").GetProperty("set_coverage").GetDouble(), 0.9, 1.0);
        Assert.InRange(o.GetProperty("test").GetProperty("set_size").GetDouble(), 1.0, 2.0);

        // The new version answers its sets; the parent does not.
        string rows = Path.Combine(_root, "busy-rows.csv");
        File.WriteAllText(rows, "footfall,promo,store\n50,no,a\n");
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-busy@2", "--input", rows, "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Equal(0.95, Json(stdout)[0].GetProperty("prediction_set").GetProperty("level").GetDouble());
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-busy@1", "--input", rows, "--json");
        Assert.False(Json(stdout)[0].TryGetProperty("prediction_set", out _));

        // Class by class: every class's rows are covered at the level, not only all rows together.
        (code, stdout, err) = await CliRun.Invoke("models", "intervals", "cli-ivl-busy@1", "--data", "cli-ivl-busy@2", "--level", "0.9", "--per-class",
            "--register", "cli-ivl-busy-classwise", "--json");
        Assert.True(code == 0, err + stdout);
        var byClass = Json(stdout).GetProperty("test").GetProperty("by_class").EnumerateArray().ToList();
        Assert.Equal(["busy", "quiet"], byClass.Select(k => k.GetProperty("class").GetString()).Order());
        Assert.All(byClass, k => Assert.InRange(k.GetProperty("coverage").GetDouble(), 0.82, 1.0));
        Assert.Equal(2, Json(stdout).GetProperty("fitted").GetProperty("by_class").GetArrayLength());

        // Coverage by group of rows, beside the decisions by group.
        (code, stdout, err) = await CliRun.Invoke("eval", "--model", "cli-ivl-busy@2", "--data", "cli-ivl-busy@2", "--groups", "store", "--favorable", "quiet", "--json");
        Assert.True(code == 0, err + stdout);
        var byStore = Json(stdout).GetProperty("conformal").GetProperty("groups")[0];
        Assert.Equal("store", byStore.GetProperty("column").GetString());
        Assert.Equal(["a", "b", "c"], byStore.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("group").GetString()).Order());
        Assert.Equal(Json(stdout).GetProperty("conformal").GetProperty("rows").GetInt32(), byStore.GetProperty("groups").EnumerateArray().Sum(g => g.GetProperty("rows").GetInt32()));

        // The model card says what its sets promise.
        (code, stdout, err) = await CliRun.Invoke("models", "card", "cli-ivl-busy@2", "--out", Path.Combine(_root, "card"), "--json");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("each answer comes with a conformal prediction set holding the truth 95% of the time", Json(stdout).GetProperty("task").GetString());

        await CliRun.Refused("already; fit new ones on the version it was made from", "models", "intervals", "cli-ivl-busy@2", "--data", "cli-ivl-busy@2", "--level", "0.9");
        await CliRun.Refused("prediction sets were fitted on its uncalibrated probabilities", "models", "calibrate", "cli-ivl-busy@2", "--data", "cli-ivl-busy@2");
        await CliRun.Refused("has no 'validation' rows to fit prediction sets on", "models", "intervals", "cli-ivl-busy@1", "--data", "cli-ivl-busy@1", "--level", "0.9");
    }

    [Fact]
    public async Task ModelsIntervals_OnAnImageClassifier_IsAnsweredByPredict()
    {
        // The fixture's network on its synthetic Fashion-MNIST, which has no validation split: fitted on test, with a warning.
        var (code, stdout, err) = await CliRun.Invoke("models", "intervals", fx.ModelDir, "--data", "fashion-mnist", "--data-dir", fx.DataDir, "--split", "test",
            "--level", "0.8", "--register", "cli-ivl-images");
        Assert.True(code == 0, err + stdout);
        Assert.Contains("Fitted on the test split, which lepton eval reports on", Flat(stdout));
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", "cli-ivl-images@latest", "--input", Path.Combine(fx.DataDir, "t10k-images-idx3-ubyte.gz"), "--json");
        Assert.True(code == 0, err + stdout);
        var rows = Json(stdout).EnumerateArray().ToList();
        Assert.All(rows, r =>
        {
            var set = r.GetProperty("prediction_set");
            Assert.Equal(0.8, set.GetProperty("level").GetDouble());
            // The answered class is always in its set, first when it is the most probable.
            Assert.Equal(r.GetProperty("top")[0].GetProperty("label").GetString(), set.GetProperty("labels")[0].GetString());
        });
        // A model without sets answers as before.
        (code, stdout, err) = await CliRun.Invoke("predict", "--model", fx.ModelDir, "--input", Path.Combine(fx.DataDir, "t10k-images-idx3-ubyte.gz"), "--json");
        Assert.False(Json(stdout)[0].TryGetProperty("prediction_set", out _));
    }

    // Spectre wraps long lines; the tests read them whole.
    private static string Flat(string text) => string.Join(" ", text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries));
}
