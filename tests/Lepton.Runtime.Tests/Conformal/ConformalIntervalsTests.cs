using System.Text.Json.Nodes;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime.Conformal;

namespace Lepton.Runtime.Tests.Conformal;

/// <summary>
/// Split conformal intervals and sets against a NumPy reference of the published recipe (Fixtures/conformal.json, from
/// tools/fixtures/runtime_conformal.py); the coverage guarantee on exchangeable draws; the stored file and its refusals.
/// </summary>
public sealed class ConformalIntervalsTests : IDisposable
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "conformal.json")))!;
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private static T[] Array<T>(JsonNode node) => [.. node.AsArray().Select(v => v!.GetValue<T>())];

    public static TheoryData<int> Cases() => [.. Enumerable.Range(0, Fixture["cases"]!.AsArray().Count)];

    [Theory]
    [MemberData(nameof(Cases))]
    public void Matches_the_reference(int index)
    {
        var c = Fixture["cases"]![index]!;
        double level = c["level"]!.GetValue<double>();
        if (c["kind"]!.GetValue<string>() == "band")
        {
            var band = ConformalIntervals.ForBand(level, Array<double>(c["band_lower"]!), Array<double>(c["band_upper"]!), [.. Array<double>(c["labels"]!).Select(v => (float)v)], "fixture");
            Assert.Equal("quantiles", band.Score);
            Assert.Equal(((1 - level) / 2, (1 + level) / 2), band.Band!.Value, (a, b) => Math.Abs(a.Item1 - b.Item1) < 1e-12 && Math.Abs(a.Item2 - b.Item2) < 1e-12);
            Assert.Equal(c["quantile"]!.GetValue<double>(), band.Quantile, 9);
            var answers = Array<double>(c["new"]!);
            var (low, high) = (Array<double>(c["new_lower"]!), Array<double>(c["new_upper"]!));
            // The served form: (N, 2) float32 rows of the quantile models' answers.
            var served = low.Zip(high).SelectMany(p => new[] { (float)p.First, (float)p.Second }).ToArray();
            for (int i = 0; i < answers.Length; i++)
            {
                var (lower, upper) = band.Interval(answers[i], low[i], high[i]);
                Assert.Equal(c["lower"]![i]!.GetValue<double>(), lower, 9);
                Assert.Equal(c["upper"]![i]!.GetValue<double>(), upper, 9);
                var (servedLower, servedUpper) = band.Interval(answers[i], served, i);
                Assert.Equal(lower, servedLower, 5);
                Assert.Equal(upper, servedUpper, 5);
            }
            Assert.Throws<InvalidOperationException>(() => band.Interval(answers[0]));
            return;
        }
        if (c["kind"]!.GetValue<string>() == "regression")
        {
            var loss = RegressionLoss.Parse(c["loss"]!.GetValue<string>());
            var intervals = ConformalIntervals.ForRegression(loss, level, Array<double>(c["predictions"]!), [.. Array<double>(c["labels"]!).Select(v => (float)v)], "fixture");
            Assert.Equal(c["quantile"]!.GetValue<double>(), intervals.Quantile, 9);
            var fresh = Array<double>(c["new"]!);
            for (int i = 0; i < fresh.Length; i++)
            {
                var (lower, upper) = intervals.Interval(fresh[i]);
                AssertBound(c["lower"]![i], lower, double.NegativeInfinity);
                AssertBound(c["upper"]![i], upper, double.PositiveInfinity);
            }
            return;
        }
        int classes = c["classes"]!.GetValue<int>();
        bool perClass = c["per_class"]?.GetValue<bool>() == true;
        var sets = ConformalIntervals.ForClassifier(classes, level, Array<double>(c["probabilities"]!), [.. Array<int>(c["labels"]!).Select(v => (float)v)], "fixture", perClass);
        Assert.Equal(c["quantile"]!.GetValue<double>(), sets.Quantile, 12);
        if (perClass) Assert.Equal(Array<double>(c["class_quantiles"]!), sets.ClassQuantiles!, (a, b) => Math.Abs(a - b) < 1e-12);
        else Assert.Null(sets.ClassQuantiles);
        var rows = Array<double>(c["new"]!);
        int width = classes == 2 ? 1 : classes;
        for (int r = 0; r < rows.Length / width; r++)
        {
            var expected = Array<int>(c["sets"]![r]!);
            var got = classes == 2 ? sets.BinarySet(rows[r], rows[r] >= 0.5 ? 1 : 0) : sets.Set(rows.AsSpan(r * width, width), ArgMax(rows.AsSpan(r * width, width)));
            Assert.Equal(expected, got);
        }
    }

    private static void AssertBound(JsonNode? expected, double actual, double open)
    {
        if (expected is null) Assert.Equal(open, actual);
        else Assert.Equal(expected.GetValue<double>(), actual, 9);
    }

    private static int ArgMax(ReadOnlySpan<double> row)
    {
        int best = 0;
        for (int k = 1; k < row.Length; k++) if (row[k] > row[best]) best = k;
        return best;
    }

    // The guarantee: over many exchangeable draws of held-out and new rows, the share covered is at least the level (and, with
    // continuous scores, at most level + 1/(n+1)).
    [Fact]
    public void Covers_at_least_the_level_on_exchangeable_rows()
    {
        var random = new Random(11);
        const int n = 99, draws = 4000;
        int covered = 0;
        for (int d = 0; d < draws; d++)
        {
            var predictions = new double[n];
            var labels = new float[n];
            for (int i = 0; i < n; i++)
            {
                predictions[i] = random.NextDouble() * 10;
                labels[i] = (float)(predictions[i] + Gaussian(random) * 2);
            }
            var intervals = ConformalIntervals.ForRegression(RegressionLoss.Squared, 0.9, predictions, labels, "draw");
            double x = random.NextDouble() * 10;
            if (intervals.Covers(x, (float)(x + Gaussian(random) * 2))) covered++;
        }
        double coverage = covered / (double)draws;
        // 0.90 ≤ E[coverage] ≤ 0.91; four standard errors of 4,000 draws either side.
        Assert.InRange(coverage, 0.90 - 4 * 0.0047, 0.91 + 4 * 0.0047);
    }

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    [Fact]
    public void Refuses_too_few_held_out_rows_naming_how_many_are_needed()
    {
        var e = Assert.Throws<ArgumentException>(() => ConformalIntervals.ForRegression(RegressionLoss.Squared, 0.99, new double[50], new float[50], "x"));
        Assert.Contains("at least 99 held-out rows, got 50", e.Message);
        Assert.Equal(99, ConformalIntervals.MinimumRows(0.99));
        Assert.Equal(9, ConformalIntervals.MinimumRows(0.9));
        // Nine rows are enough for 90%: the ⌈10·0.9⌉ = 9th smallest, the largest.
        var intervals = ConformalIntervals.ForRegression(RegressionLoss.Squared, 0.9, new double[9], [1, 2, 3, 4, 5, 6, 7, 8, 9], "x");
        Assert.Equal(9, intervals.Quantile);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Refuses_a_level_outside_zero_to_one(double level)
    {
        var e = Assert.Throws<ArgumentException>(() => ConformalIntervals.CheckLevel(level));
        Assert.Contains("strictly between 0 and 1", e.Message);
    }

    [Fact]
    public void A_quantile_model_bounds_its_own_side_at_its_own_level()
    {
        Assert.Equal(("upper", 0.0), ConformalIntervals.RegressionScore(RegressionLoss.Quantile(0.9), 0.9));
        Assert.Equal(("lower", 0.0), ConformalIntervals.RegressionScore(RegressionLoss.Quantile(0.1), 0.9));
        Assert.Equal(("scaled", 1.0), ConformalIntervals.RegressionScore(RegressionLoss.Poisson, 0.8));
        Assert.Equal(("absolute", 0.0), ConformalIntervals.RegressionScore(RegressionLoss.Absolute, 0.8));
        var e = Assert.Throws<ArgumentException>(() => ConformalIntervals.RegressionScore(RegressionLoss.Quantile(0.9), 0.8));
        Assert.Contains("pass --intervals 0.9", e.Message);
    }

    [Fact]
    public void A_set_always_holds_the_answered_class_and_lists_the_most_probable_first()
    {
        var sets = new ConformalIntervals("probability", 0.9, 0.2);
        Assert.Equal([1], sets.Set([0.1, 0.5, 0.4], 1)); // nothing reaches 0.8: the answer alone
        Assert.Equal([0, 2], new ConformalIntervals("probability", 0.9, 0.7).Set([0.5, 0.1, 0.4], 0));
        // A yes/no model answering "no" at a threshold above 0.6 keeps "no" though "yes" is likelier.
        Assert.Equal([1, 0], new ConformalIntervals("probability", 0.9, 0.5).BinarySet(0.6, 0));
    }

    [Fact]
    public void Per_class_sets_need_enough_rows_of_every_class_and_round_trip_through_the_file()
    {
        // Class 2 has 5 held-out rows: a 90% set of its own needs 9.
        var labels = Enumerable.Range(0, 60).Select(i => (float)(i < 5 ? 2 : i % 2)).ToArray();
        var probabilities = labels.SelectMany(y => new[] { 0.5, 0.3, 0.2 }).ToArray();
        var e = Assert.Throws<ArgumentException>(() => ConformalIntervals.ForClassifier(3, 0.9, probabilities, labels, "x", perClass: true, ["a", "b", "rare"]));
        Assert.Contains("Class 'rare' has 5 held-out rows; a 90% set for each class needs 9", e.Message);
        var sets = ConformalIntervals.ForClassifier(3, 0.8, probabilities, labels, "held", perClass: true);
        Assert.Equal([0.5, 0.7, 0.8], sets.ClassQuantiles!);
        // Every class reaches its own floor: 0.5 ≥ 0.5, 0.3 ≥ 0.3, 0.2 ≥ 0.2.
        Assert.Equal([0, 1, 2], sets.Set([0.5, 0.3, 0.2], 0));
        string folder = _folders.New();
        File.WriteAllText(Path.Combine(folder, "model.json"), "{\"format\": \"lightgbm\"}");
        sets.SaveTo(folder);
        var loaded = ConformalIntervals.Load(folder)!;
        Assert.Equal(sets.ClassQuantiles, loaded.ClassQuantiles!);
        Assert.True(JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!["metadata"]!["intervals"]!["per_class"]!.GetValue<bool>());
        Assert.Contains("sets of 3 classes but the model has 2", Assert.Throws<InvalidDataException>(() => loaded.CheckFits(TaskKind.Binary, 1)).Message);
        loaded.CheckFits(TaskKind.Multiclass, 3);
        Assert.Throws<ArgumentException>(() => new ConformalIntervals("absolute", 0.9, 1) { ClassQuantiles = [1, 2] });
    }

    [Fact]
    public void Saves_loads_and_records_itself_in_model_json()
    {
        string folder = _folders.New();
        File.WriteAllText(Path.Combine(folder, "model.json"), "{\"format\": \"lightgbm\", \"metadata\": {\"keep\": 1}}");
        var intervals = new ConformalIntervals("scaled", 0.9, 1.625, 1.5) { Source = "the validation split", Rows = 400 };
        intervals.SaveTo(folder);
        var loaded = ConformalIntervals.Load(folder)!;
        Assert.Equal(intervals, loaded);
        var metadata = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!["metadata"]!;
        Assert.Equal(1, metadata["keep"]!.GetValue<int>());
        Assert.Equal("scaled", metadata["intervals"]!["score"]!.GetValue<string>());
        Assert.Equal(0.9, metadata["intervals"]!["level"]!.GetValue<double>());
        Assert.Null(ConformalIntervals.Load(_folders.New()));
    }

    [Theory]
    [InlineData("{\"score\": \"absolute\", \"level\": 1.2, \"quantile\": 1}", "strictly between 0 and 1")]
    [InlineData("{\"score\": \"wide\", \"level\": 0.9, \"quantile\": 1}", "is not one of")]
    [InlineData("{\"level\": 0.9, \"quantile\": 1}", "names no score")]
    [InlineData("{\"score\": \"scaled\", \"level\": 0.9, \"quantile\": 1}", "variance power")]
    [InlineData("not json", "is not one Lepton wrote")]
    [InlineData("{\"score\": \"absolute\", \"level\": 0.9, \"quantile\": -2}", "quantile lies in [0")]
    [InlineData("{\"score\": \"probability\", \"level\": 0.9, \"quantile\": 0.5, \"class_quantiles\": [0.2, 3]}", "one number in [0, 1] per class")]
    public void A_damaged_file_is_named_with_the_fix(string text, string says)
    {
        string folder = _folders.New();
        File.WriteAllText(Path.Combine(folder, ConformalIntervals.FileName), text);
        var e = Assert.Throws<InvalidDataException>(() => ConformalIntervals.Load(folder));
        Assert.Contains(says, e.Message);
        Assert.Contains("delete it to serve the model without intervals", e.Message);
    }

    [Fact]
    public void An_oversized_file_is_refused_before_it_is_read()
    {
        string folder = _folders.New();
        File.WriteAllText(Path.Combine(folder, ConformalIntervals.FileName), new string(' ', (int)ConformalIntervals.MaxFileBytes + 1));
        Assert.Contains("over the", Assert.Throws<InvalidDataException>(() => ConformalIntervals.Load(folder)).Message);
    }

    [Fact]
    public void Refuses_a_model_of_another_task()
    {
        var sets = new ConformalIntervals("probability", 0.9, 0.3);
        Assert.Contains("a classifier's prediction sets", Assert.Throws<InvalidDataException>(() => sets.CheckFits(TaskKind.Regression, 1)).Message);
        var intervals = new ConformalIntervals("absolute", 0.9, 3);
        Assert.Contains("of 2 targets", Assert.Throws<InvalidDataException>(() => intervals.CheckFits(TaskKind.Regression, 2)).Message);
        intervals.CheckFits(TaskKind.Regression, 1);
        sets.CheckFits(TaskKind.Binary, 1);
    }

    [Fact]
    public void Coverage_counts_rows_held_and_what_the_answers_said()
    {
        var intervals = new ConformalIntervals("absolute", 0.9, 1);
        var c = ConformalCoverage.Regression(intervals, [0, 0, 0, 0], [0.5f, -1f, 2f, 1.5f]);
        Assert.Equal(0.5, c.Coverage);
        Assert.Equal(2, c.MeanWidth);
        var sets = new ConformalIntervals("probability", 0.9, 0.55);
        var s = ConformalCoverage.Classifier(sets, 3, [0.5, 0.45, 0.05, 0.9, 0.05, 0.05], [1, 2], [0, 0]);
        Assert.Equal(0.5, s.Coverage); // {0, 1} holds class 1; {0} misses class 2
        Assert.Equal(1.5, s.MeanSetSize);
        Assert.Equal(0.5, s.Singletons);
        // Groups of rows, in the order given (a group without rows is left out).
        var byGroup = c.ByGroup(["x", "y", "x", "y"], ["y", "x", "z"]);
        Assert.Equal([new GroupCoverage("y", 2, 0.5, 2), new GroupCoverage("x", 2, 0.5, 2)], byGroup);
        Assert.Throws<ArgumentException>(() => c.ByGroup(["x"], ["x"]));
        Assert.Null(ConformalCoverage.Regression(new ConformalIntervals("upper", 0.9, 1), [0], [0.5f]).ByGroup(["x"], ["x"])[0].MeanSize);
    }
}
