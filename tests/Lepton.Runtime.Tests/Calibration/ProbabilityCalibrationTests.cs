using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Runtime.Calibration;
using Lepton.Runtime.LightGbm;
using Lepton.Runtime.Tests.LightGbm;

namespace Lepton.Runtime.Tests.Calibration;

/// <summary>
/// Calibration maps against scikit-learn's CalibratedClassifierCV and Platt's parameters (Fixtures/calibration.json, from
/// tools/fixtures/runtime_calibration.py); the stored file; a calibrated folder loaded by the predictor loader answering the
/// calibrated probabilities through its logits; contributions rescaled by a sigmoid.
/// </summary>
public sealed class ProbabilityCalibrationTests : IDisposable
{
    private static readonly JsonNode Fixture = JsonNode.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "calibration.json")))!;
    private static readonly PredictorLoader Loader = new([new LeptonModelKind(), new LightGbmModelKind(numThreads: 2)]);
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private static T[] Array<T>(JsonNode node) => [.. node.AsArray().Select(v => v!.GetValue<T>())];

    // The fixture's fit with Lepton's maps: one per class (one for yes/no, on the log-odds), as the training side fits them.
    private static ProbabilityCalibration Fit(string method, int classes, double[] fit, float[] labels, float[]? weights = null)
    {
        var maps = new List<ICalibrationMap>();
        if (classes == 2)
        {
            var scores = fit.Select(ProbabilityCalibration.LogOdds).ToArray();
            maps.Add(method == "sigmoid" ? PlattScaling.Fit(scores, labels, weights) : IsotonicCurve.Fit(scores, labels, weights));
        }
        else
        {
            for (int c = 0; c < classes; c++)
            {
                var scores = Enumerable.Range(0, labels.Length).Select(i => fit[i * classes + c]).ToArray();
                var isClass = labels.Select(y => (int)y == c ? 1f : 0f).ToArray();
                maps.Add(method == "sigmoid" ? PlattScaling.Fit(scores, isClass, weights) : IsotonicCurve.Fit(scores, isClass, weights));
            }
        }
        return new ProbabilityCalibration(method, classes, maps);
    }

    [Theory]
    [InlineData("cases")]
    [InlineData("weighted")] // each held-out row counting its weight (sample_weight), some weighing 0
    public void Maps_MatchScikitLearnsCalibratedClassifier_ForYesNoAndMulticlass(string cases)
    {
        foreach (var c in Fixture[cases]!.AsArray())
        {
            string name = c!["name"]!.GetValue<string>();
            int classes = c["classes"]!.GetValue<int>();
            var calibration = Fit(c["method"]!.GetValue<string>(), classes, Array<double>(c["fit"]!), Array<int>(c["labels"]!).Select(y => (float)y).ToArray(),
                c["weights"] is { } w ? Array<double>(w).Select(v => (float)v).ToArray() : null);
            var got = Array<double>(c["new"]!);
            calibration.ApplyAll(got);
            var expected = Array<double>(c["calibrated"]!);
            Assert.Equal(expected.Length, got.Length);
            // Platt's optimum is found by Newton's method here and by L-BFGS in scikit-learn: equal to their tolerance.
            // Weights are float32 here (as a table's column is read) and float64 there.
            double tolerance = name.EndsWith("sigmoid", StringComparison.Ordinal) ? 1e-5 : c["weights"] is null ? 1e-9 : 1e-7;
            for (int i = 0; i < got.Length; i++) Assert.True(Math.Abs(expected[i] - got[i]) <= tolerance, $"{name} value {i}: {expected[i]} vs {got[i]}");
        }
    }

    [Fact]
    public void PlattScaling_MatchesScikitLearnsParameters_AndStaysFiniteOnASeparableSet()
    {
        foreach (var p in Fixture["platt"]!.AsArray())
        {
            var fitted = PlattScaling.Fit(Array<double>(p!["scores"]!), Array<int>(p["labels"]!).Select(y => (float)y).ToArray());
            Assert.Equal(p["slope"]!.GetValue<double>(), fitted.Slope, 4);
            Assert.Equal(p["intercept"]!.GetValue<double>(), fitted.Intercept, 4);
            Assert.True(double.IsFinite(fitted.Slope) && fitted.Slope > 0, p["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public void Temperature_MatchesScipysLeastLogLoss_AndDividesTheLogits()
    {
        foreach (var t in Fixture["temperature"]!.AsArray())
        {
            int k = t!["classes"]!.GetValue<int>();
            var logits = Array<double>(t["logits"]!);
            var fitted = TemperatureScaling.Fit(logits, Array<int>(t["labels"]!), k, t["weights"] is { } w ? Array<double>(w).Select(v => (float)v).ToArray() : null);
            Assert.Equal(t["temperature"]!.GetValue<double>(), fitted.Temperature, 5);
            if (k == 1) continue;
            // Probabilities in, softmax(logits / T) out: the same answers whether it reads probabilities or divides logits.
            var calibration = new ProbabilityCalibration("temperature", k, [fitted]);
            var row = logits[..k];
            double max = row.Max();
            double[] p = [.. row.Select(v => Math.Exp(v - max) / row.Sum(w => Math.Exp(w - max)))];
            calibration.Apply(p);
            float[] scaled = [.. row.Select(v => (float)v)];
            calibration.ApplyToLogits(scaled);
            double smax = scaled.Max();
            for (int c = 0; c < k; c++)
            {
                Assert.Equal(row[c] / fitted.Temperature, scaled[c], 5);
                Assert.Equal(Math.Exp(scaled[c] - smax) / scaled.Sum(w => Math.Exp(w - smax)), p[c], 6);
            }
        }
        Assert.Throws<ArgumentException>(() => new ProbabilityCalibration("temperature", 3, [new PlattScaling(1, 0)]));
    }

    [Fact]
    public void IsotonicCurve_PoolsViolators_KeepsStepEnds_AndClipsOutsideTheScoresSeen()
    {
        // Scores 1..6 with labels 0 1 0 1 1 1: the violator (1, 0) at scores 2 and 3 pools to 0.5.
        var curve = IsotonicCurve.Fit([1, 2, 3, 4, 5, 6], [0, 1, 0, 1, 1, 1]);
        Assert.Equal([1.0, 2, 3, 4, 6], curve.X);
        Assert.Equal([0.0, 0.5, 0.5, 1, 1], curve.Y);
        Assert.Equal(0.0, curve.Map(-10));
        Assert.Equal(0.25, curve.Map(1.5), 12); // read between steps by interpolation
        Assert.Equal(1.0, curve.Map(100));
        // Equal scores are one point: their labels' mean.
        var tied = IsotonicCurve.Fit([0.3, 0.3, 0.3, 0.9], [1, 0, 0, 1]);
        Assert.Equal(1.0 / 3, tied.Map(0.3), 12);
        Assert.Throws<ArgumentException>(() => IsotonicCurve.Fit([double.NaN], [1]));
        Assert.Throws<ArgumentException>(() => new IsotonicCurve([1, 0.5], [0, 1]));
    }

    [Fact]
    public void Weights_CountAsRepeatedRows_AndABadWeightIsNamed()
    {
        // A row of weight 2 fits as the row twice, a row of weight 0 as no row, for every map.
        var rng = new Random(3);
        int n = 200;
        double[] scores = [.. Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble() * 8 - 4, 1))];
        float[] labels = [.. scores.Select(s => rng.NextDouble() < 1 / (1 + Math.Exp(-0.6 * s)) ? 1f : 0f)];
        float[] weights = [.. Enumerable.Range(0, n).Select(_ => (float)rng.Next(0, 4))];
        var repeated = Enumerable.Range(0, n).SelectMany(i => Enumerable.Repeat(i, (int)weights[i])).ToArray();
        double[] s2 = [.. repeated.Select(i => scores[i])];
        float[] y2 = [.. repeated.Select(i => labels[i])];
        var platt = PlattScaling.Fit(scores, labels, weights);
        var plattRepeated = PlattScaling.Fit(s2, y2);
        Assert.Equal(plattRepeated.Slope, platt.Slope, 6);
        Assert.Equal(plattRepeated.Intercept, platt.Intercept, 6);
        var curve = IsotonicCurve.Fit(scores, labels, weights);
        var curveRepeated = IsotonicCurve.Fit(s2, y2);
        foreach (var s in new[] { -5, -3.3, -1, 0, 0.45, 2, 3.9, 5 }) Assert.Equal(curveRepeated.Map(s), curve.Map(s), 12);
        int[] ids = [.. labels.Select(y => (int)y)];
        Assert.Equal(TemperatureScaling.Fit(s2, [.. repeated.Select(i => ids[i])], 1).Temperature, TemperatureScaling.Fit(scores, ids, 1, weights).Temperature, 5);
        // Unweighted and weights of 1 are the same fit.
        Assert.Equal(PlattScaling.Fit(scores, labels), PlattScaling.Fit(scores, labels, [.. weights.Select(_ => 1f)]));

        var bad = (float[])weights.Clone();
        bad[7] = -1;
        Assert.Contains("row 7", Assert.Throws<ArgumentException>(() => PlattScaling.Fit(scores, labels, bad)).Message);
        Assert.Contains("weighs 0", Assert.Throws<ArgumentException>(() => IsotonicCurve.Fit(scores, labels, new float[n])).Message);
        Assert.Contains("3 weights", Assert.Throws<ArgumentException>(() => TemperatureScaling.Fit(scores, ids, 1, [1, 1, 1])).Message);
    }

    [Fact]
    public void File_RoundTrips_AndADamagedFileIsNamed()
    {
        var dir = _folders.New();
        Assert.Null(ProbabilityCalibration.Load(dir));
        var saved = new ProbabilityCalibration("isotonic", 3,
            [new IsotonicCurve([0.1, 0.5], [0, 0.8]), new IsotonicCurve([0.2], [0.4]), new IsotonicCurve([0, 1], [0.1, 0.9])]) { Source = "the validation split", Rows = 120 };
        saved.Save(dir);
        var loaded = ProbabilityCalibration.Load(dir)!;
        Assert.Equal(("isotonic", 3, "the validation split", 120), (loaded.Method, loaded.Classes, loaded.Source, loaded.Rows));
        double[] row = [0.3, 0.3, 0.4], again = [0.3, 0.3, 0.4];
        saved.Apply(row);
        loaded.Apply(again);
        Assert.Equal(row, again);
        Assert.Equal(1.0, row.Sum(), 12);

        File.WriteAllText(Path.Combine(dir, ProbabilityCalibration.FileName), """{"method": "isotonic", "classes": 2, "maps": [{"x": [1, 0], "y": [0, 1]}]}""");
        var e = Assert.Throws<InvalidDataException>(() => ProbabilityCalibration.Load(dir));
        Assert.Contains("calibration.json", e.Message);
        Assert.Contains("x must rise", e.Message);
        File.WriteAllText(Path.Combine(dir, ProbabilityCalibration.FileName), "{ not json");
        Assert.Contains("delete it to serve the model uncalibrated", Assert.Throws<InvalidDataException>(() => ProbabilityCalibration.Load(dir)).Message);
        // Refused by its size, before a byte is read (a sparse file: nothing is written).
        using (var huge = File.Create(Path.Combine(dir, ProbabilityCalibration.FileName))) huge.SetLength(ProbabilityCalibration.MaxFileBytes + 1);
        Assert.Contains("over the", Assert.Throws<InvalidDataException>(() => ProbabilityCalibration.Load(dir)).Message);
    }

    [Theory]
    [InlineData(TaskKind.Binary)]
    [InlineData(TaskKind.Multiclass)]
    public void CalibratedFolder_AnswersCalibratedProbabilitiesThroughItsLogits(TaskKind task)
    {
        var dir = LightGbmTestData.Folder(_folders, task, out var x);
        double[] plain;
        using (var uncalibrated = (LightGbmPredictor)Loader.Load(dir)) plain = uncalibrated.Probabilities(x);
        int k = task == TaskKind.Multiclass ? 3 : 1;
        var labels = Enumerable.Range(0, x.Rows).Select(i => (float)(task == TaskKind.Multiclass ? i % 3 : i % 2)).ToArray();
        var calibration = Fit("isotonic", task == TaskKind.Multiclass ? 3 : 2, plain, labels);
        calibration.Save(dir);

        using var predictor = Loader.Load(dir);
        var calibrated = Assert.IsType<CalibratedPredictor>(predictor);
        Assert.Equal("lightgbm", calibrated.Kind);
        var logits = predictor.Predict(Tensor.FromArray(x.Values, x.Rows, x.Columns))[0].ToArray<float>();
        var expected = (double[])plain.Clone();
        calibration.ApplyAll(expected);
        double total = 0;
        for (int i = 0; i < x.Rows; i++)
        {
            // Decoded as a server decodes them: a sigmoid of the one logit, a softmax of the class logits.
            var row = logits.AsSpan(i * k, k).ToArray().Select(v => (double)v).ToArray();
            double[] decoded = k == 1 ? [1 / (1 + Math.Exp(-row[0]))] : row.Select(v => Math.Exp(v - row.Max())).ToArray();
            double sum = k == 1 ? 1 : decoded.Sum();
            // A multiclass curve reads probabilities softmaxed from float32 logits, whose rounding (1e-7) the steepest rise between two
            // of its steps (adjacent held-out scores) can magnify; on most rows the two agree to rounding.
            double tolerance = k == 1 ? 1e-6 : 1e-3;
            for (int c = 0; c < k; c++)
            {
                double difference = Math.Abs(expected[i * k + c] - decoded[c] / sum);
                total += difference;
                Assert.True(difference <= tolerance, $"row {i} class {c}: {expected[i * k + c]} vs {decoded[c] / sum}");
            }
        }
        Assert.True(total / (x.Rows * k) <= 1e-5, $"mean difference {total / (x.Rows * k)}");
    }

    [Fact]
    public void CalibrationOfAnotherModel_IsRefusedAtLoad()
    {
        var dir = LightGbmTestData.Folder(_folders, TaskKind.Regression, out _);
        new ProbabilityCalibration("sigmoid", 2, [new PlattScaling(1, 0)]).Save(dir);
        Assert.Contains("calibrates a classifier's probabilities", Assert.Throws<InvalidDataException>(() => Loader.Load(dir)).Message);
        var binary = LightGbmTestData.Folder(_folders, TaskKind.Binary, out _);
        new ProbabilityCalibration("sigmoid", 3, [new PlattScaling(1, 0), new PlattScaling(1, 0), new PlattScaling(1, 0)]).Save(binary);
        Assert.Contains("different models", Assert.Throws<InvalidDataException>(() => Loader.Load(binary)).Message);
    }

    [Fact]
    public void Sigmoid_RescalesContributions_SoTheySumToTheCalibratedLogOdds()
    {
        var platt = new PlattScaling(0.6, -1.3);
        var raw = new FeatureContributions(2, 1, ["a", "b"], [0.5, -1.0, 0.2, 2.0, 0.25, -0.1]);
        var scaled = platt.Rescale(raw);
        for (int r = 0; r < 2; r++)
        {
            double calibrated = 0.6 * raw.Total(r, 0) - 1.3;
            Assert.Equal(calibrated, scaled.Total(r, 0), 12);
            Assert.Equal(platt.Map(raw.Total(r, 0)), 1 / (1 + Math.Exp(-scaled.Total(r, 0))), 12);
        }
        Assert.Equal(0.6 * 0.5, scaled.Of(0, 0, 0), 12);
    }
}
