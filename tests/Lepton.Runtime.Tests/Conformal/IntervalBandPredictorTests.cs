using System.Text.Json.Nodes;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.NN.Tasks;
using Lepton.Runtime.Conformal;

namespace Lepton.Runtime.Tests.Conformal;

/// <summary>
/// Conformalized quantile intervals: the coverage guarantee where the spread grows, the stored file, coverage with each row's band,
/// and the predictor that answers the band of the two quantile models beside a regressor (and what it refuses).
/// </summary>
public sealed class IntervalBandPredictorTests : IDisposable
{
    private readonly TempFolders _folders = new();

    public void Dispose() => _folders.Dispose();

    private static double Gaussian(Random random) => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    // y = x + noise of spread 0.1 + x; the quantile models are a little too narrow (±1.2σ where 90% needs ±1.645σ), which the
    // conformal quantile must make up. Over many exchangeable draws the share covered is at least the level, and the interval
    // is narrow where x is small, unlike one width for every row.
    [Fact]
    public void Covers_at_least_the_level_where_the_spread_grows_and_follows_it()
    {
        var random = new Random(5);
        const int n = 99, draws = 3000;
        int covered = 0;
        double narrow = 0, wide = 0;
        for (int d = 0; d < draws; d++)
        {
            var (lower, upper, labels) = (new double[n], new double[n], new float[n]);
            for (int i = 0; i < n; i++)
            {
                double x = random.NextDouble() * 10;
                (lower[i], upper[i]) = (x - 1.2 * (0.1 + x), x + 1.2 * (0.1 + x));
                labels[i] = (float)(x + Gaussian(random) * (0.1 + x));
            }
            var intervals = ConformalIntervals.ForBand(0.9, lower, upper, labels, "draw");
            double fresh = random.NextDouble() * 10, y = fresh + Gaussian(random) * (0.1 + fresh);
            var (low, high) = intervals.Interval(fresh, fresh - 1.2 * (0.1 + fresh), fresh + 1.2 * (0.1 + fresh));
            if (y >= low && y <= high) covered++;
            if (d == 0)
            {
                narrow = intervals.Interval(1, 1 - 1.2 * 1.1, 1 + 1.2 * 1.1) is var (a, b) ? b - a : 0;
                wide = intervals.Interval(9, 9 - 1.2 * 9.1, 9 + 1.2 * 9.1) is var (c, e) ? e - c : 0;
            }
        }
        Assert.InRange(covered / (double)draws, 0.90 - 4 * 0.0055, 0.91 + 4 * 0.0055);
        Assert.True(wide > 3 * narrow, $"width at x = 1: {narrow:F2}, at x = 9: {wide:F2}");
    }

    [Fact]
    public void Saves_the_band_levels_and_describes_them()
    {
        string folder = _folders.New();
        File.WriteAllText(Path.Combine(folder, "model.json"), "{\"format\": \"lightgbm\"}");
        var intervals = new ConformalIntervals("quantiles", 0.8, -0.25) { Source = "the validation split", Rows = 300 };
        Assert.Equal((0.1, 0.9), intervals.Band);
        Assert.True(intervals.NeedsBand);
        intervals.SaveTo(folder, ("method", "quantiles"));
        var loaded = ConformalIntervals.Load(folder)!;
        Assert.Equal(intervals, loaded);
        Assert.Equal(0.1, JsonNode.Parse(File.ReadAllText(Path.Combine(folder, ConformalIntervals.FileName)))!["band"]!["lower"]!.GetValue<double>(), 12);
        Assert.Equal("quantiles", JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!["metadata"]!["intervals"]!["method"]!.GetValue<string>());
        Assert.Contains("quantiles 10%–90% of two more models, narrowed by -0.25", loaded.Describe().Replace("widened by -", "narrowed by -"));
        // A band narrower than needed is widened; one wider than needed narrowed, but never past the model's own answer.
        Assert.Equal((4.0, 5.25), loaded.Interval(4, 4, 5.5));
        Assert.Equal((3.25, 4.75), loaded.Interval(4, 3, 5));
    }

    [Fact]
    public void Coverage_reads_each_rows_band_and_refuses_rows_without_one()
    {
        var intervals = new ConformalIntervals("quantiles", 0.9, 0.5);
        // Rows: band [0, 1] → [-0.5, 1.5]; band [10, 20] → [9.5, 20.5].
        var c = ConformalCoverage.Regression(intervals, [0.5, 15], [2f, 20f], [0, 1, 10, 20]);
        Assert.Equal(0.5, c.Coverage);
        Assert.Equal((2 + 11) / 2.0, c.MeanWidth!.Value, 9);
        var e = Assert.Throws<ArgumentException>(() => ConformalCoverage.Regression(intervals, [0.5], [2f]));
        Assert.Contains("band", e.Message);
    }

    private static PredictorSignature Regressor(string input = "features", int width = 3) =>
        new([new TensorSignature(input, DType.Float32, [width])], [new TensorSignature("values", DType.Float32, [1])], OutputKind.TaskAnswers, null,
            new TaskSpec(TaskKind.Regression));

    // A "model" whose answer is the sum of its features times a factor.
    private static FunctionPredictor Sum(double factor, PredictorSignature? signature = null) => new(signature ?? Regressor(), inputs =>
    {
        var x = inputs[0].Contiguous().ToArray<float>();
        int n = inputs[0].Shape[0], f = inputs[0].Shape[1];
        var y = new float[n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) y[i] += (float)(x[i * f + j] * factor);
        return Tensor.FromArray(y, n, 1);
    });

    private string BandFolder(double quantile = 0.5)
    {
        string folder = _folders.New();
        new ConformalIntervals("quantiles", 0.9, quantile).Save(folder);
        Directory.CreateDirectory(Path.Combine(folder, ConformalIntervals.BandFolders.Lower));
        Directory.CreateDirectory(Path.Combine(folder, ConformalIntervals.BandFolders.Upper));
        return folder;
    }

    [Fact]
    public void Answers_the_band_of_its_quantile_models_after_the_models_own_outputs()
    {
        string folder = BandFolder();
        var loaded = new List<string>();
        using var predictor = IntervalBandPredictor.Wrap(Sum(1), folder, sub =>
        {
            loaded.Add(Path.GetFileName(sub));
            return Sum(Path.GetFileName(sub) == ConformalIntervals.BandFolders.Lower ? 0.5 : 2);
        });
        Assert.Equal([ConformalIntervals.BandFolders.Lower, ConformalIntervals.BandFolders.Upper], loaded);
        Assert.Equal(["values", IntervalBandPredictor.OutputName], predictor.Signature.Outputs.Select(o => o.Name));
        // x: (2, 3) → values (2, 1), band (2, 2)
        var outputs = predictor.Predict(Tensor.FromArray([1f, 1, 2, 0, 2, 0], 2, 3));
        Assert.Equal([4f, 2f], outputs[0].ToArray<float>());
        Assert.Equal([2f, 8f, 1f, 4f], IntervalBandPredictor.BandOf(predictor.Signature, outputs)!);
        predictor.WarmUp(2);
        // Every output of a batch larger than one call, in order.
        var all = predictor.AllOutputs([Tensor.FromArray(Enumerable.Range(0, 30).Select(i => (float)i).ToArray(), 10, 3)], batchSize: 4);
        Assert.Equal(2, all.Count);
        Assert.Equal([10, 2], all[1].Shape.Dims);
        Assert.Equal(0.5f * (27 + 28 + 29), all[1].ToArray<float>()[18]);
        Assert.Null(IntervalBandPredictor.BandOf(Regressor(), outputs));
    }

    [Fact]
    public void Leaves_a_model_without_conformalized_quantiles_as_it_is()
    {
        string plain = _folders.New();
        var model = Sum(1);
        Assert.Same(model, IntervalBandPredictor.Wrap(model, plain, _ => throw new InvalidOperationException("no band to load")));
        new ConformalIntervals("absolute", 0.9, 1).Save(plain);
        Assert.Same(model, IntervalBandPredictor.Wrap(model, plain, _ => throw new InvalidOperationException("no band to load")));
    }

    [Fact]
    public void Refuses_a_missing_band_and_quantile_models_of_other_inputs_and_disposes_what_it_loaded()
    {
        string missing = _folders.New();
        new ConformalIntervals("quantiles", 0.9, 0.5).Save(missing);
        var model = Sum(1);
        var e = Assert.Throws<InvalidDataException>(() => IntervalBandPredictor.Wrap(model, missing, _ => Sum(1)));
        Assert.Contains("retrain with --intervals-method quantiles", e.Message);
        Assert.True(model.Disposed);

        var other = Sum(1, Regressor("pixels", 3));
        var first = Sum(1);
        e = Assert.Throws<InvalidDataException>(() => IntervalBandPredictor.Wrap(Sum(1), BandFolder(), sub => Path.GetFileName(sub) == ConformalIntervals.BandFolders.Lower ? first : other));
        Assert.Contains("does not read the model's inputs", e.Message);
        Assert.True(first.Disposed && other.Disposed);

        var classifier = new FunctionPredictor(new PredictorSignature([new TensorSignature("features", DType.Float32, [3])],
            [new TensorSignature("logits", DType.Float32, [2])], OutputKind.ClassLogits, ["a", "b"]), x => x[0]);
        e = Assert.Throws<InvalidDataException>(() => IntervalBandPredictor.Wrap(classifier, BandFolder(), _ => Sum(1)));
        Assert.Contains("regressor of one value", e.Message);
    }
}
