using Lepton.NN.Tasks;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.LightGbm;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;

namespace Lepton.Training.Tests.Classic;

/// <summary>LightGBM learners: each task learns its rule, runs repeat bit for bit, early stopping keeps the best iteration, folders serve.</summary>
public sealed class GradientBoostingLearnerTests : IDisposable
{
    private static readonly GradientBoostingOptions Options = GradientBoostingOptions.Default with { NumThreads = 2, Seed = 5 };
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-gbm-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Fact]
    public void Binary_LearnsTheRuleOnHeldOutRows()
    {
        var (x, y) = TableData.Binary(600);
        var (test, testY) = TableData.Binary(300, seed: 2);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options);
        Assert.True(TabularAuto.Score(TabularTask.Binary(), model.Predict(test), testY) > 0.93);
    }

    [Fact]
    public void Multiclass_ProbabilitiesSumToOne_AndLearnTheBands()
    {
        var (x, y) = TableData.ThreeClasses();
        var (test, testY) = TableData.ThreeClasses(300, seed: 2);
        var task = TabularTask.Classification(["low", "mid", "high"]);
        var model = GradientBoostingLearner.Fit(x, y, task, Options);
        var p = model.Predict(test);
        for (int i = 0; i < test.Rows; i++) Assert.Equal(1.0, p[3 * i] + p[3 * i + 1] + p[3 * i + 2], 9);
        Assert.True(TabularAuto.Score(task, p, testY) > 0.9);
        Assert.Equal(["low", "mid", "high"], model.Info.ClassNames);
    }

    [Fact]
    public void Regression_ExplainsMostOfTheVariance()
    {
        var (x, y) = TableData.Regression();
        var (test, testY) = TableData.Regression(300, seed: 2);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Regression(), Options);
        Assert.True(TableData.Rmse(model.Predict(test), testY) < 0.25 * TableData.Std(testY));
    }

    [Fact]
    public void Poisson_FitsCountsBetterThanSquaredError_ThroughALogLink()
    {
        var (x, y) = TableData.Counts(2000);
        var (test, testY) = TableData.Counts(1000, seed: 2);
        var poissonTask = TabularTask.Regression() with { Loss = RegressionLoss.Poisson };
        var poisson = GradientBoostingLearner.Fit(x, y, poissonTask, Options);
        Assert.Contains("objective=poisson", poisson.ModelText, StringComparison.Ordinal);
        Assert.Equal("poisson", poisson.Metric);
        var predicted = poisson.Predict(test);
        Assert.All(predicted, p => Assert.True(p > 0));
        TableData.AssertFitsCounts(predicted, test, testY, y, slack: 1.1);

        // Served: the count itself, and contributions that add up to its log.
        var dir = Path.Combine(_root, "poisson");
        poisson.Save(dir);
        using var predictor = (LightGbmPredictor)PredictorLoader.Default.Load(dir);
        Assert.Equal("poisson", predictor.Signature.Task!.Loss);
        var served = predictor.Predict(new Lepton.Runtime.TensorSet(Lepton.Engine.Tensor.FromArray(test.Values, test.Rows, test.Columns)))[0].ToArray();
        for (int i = 0; i < 50; i++) Assert.Equal(predicted[i], served[i], 4);
        var c = poisson.Contributions(test);
        for (int i = 0; i < 50; i++) Assert.Equal(Math.Log(predicted[i]), c.Total(i, 0), 6);
        // LightGBM elsewhere reads the same objective from the model text.
        using var booster = LightGbmBooster.FromFile(Path.Combine(dir, LightGbmModelFolder.ModelTextFile));
        Assert.Equal(predicted[3], booster.Predict(test.Row(3), 1)[0], 9);
    }

    [Theory]
    [InlineData(0.9)]
    [InlineData(0.2)]
    public void Quantile_PredictsAValueTheTargetStaysUnderAboutQOfTheTime(double q)
    {
        var (x, y) = TableData.Noisy(2000);
        var (test, testY) = TableData.Noisy(1000, seed: 2);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Regression() with { Loss = RegressionLoss.Quantile(q) }, Options);
        Assert.Equal("quantile", model.Metric);
        Assert.InRange(RegressionLoss.Coverage(model.Predict(test), testY), q - 0.06, q + 0.06);
    }

    [Fact]
    public void SameSeedAndThreads_GiveTheSameModelText_BitForBit()
    {
        var (x, y) = TableData.ThreeClasses();
        var task = TabularTask.Classification(["a", "b", "c"]);
        var options = Options with { BaggingFraction = 0.7, BaggingFrequency = 1, FeatureFraction = 0.8 };
        var first = GradientBoostingLearner.Fit(x, y, task, options);
        var second = GradientBoostingLearner.Fit(x, y, task, options);
        Assert.Equal(first.ModelText, second.ModelText);
        // The trees are bit for bit; LightGBM sums the validation loss with an OpenMP reduction whose order varies between
        // runs, so the curve can differ in its last bit (about 1e-17) and is held to 1e-12.
        Assert.Equal(first.ValidationCurve.Count, second.ValidationCurve.Count);
        for (int i = 0; i < first.ValidationCurve.Count; i++) Assert.Equal(first.ValidationCurve[i], second.ValidationCurve[i], 1e-12);
        // And the seed matters: bagging draws other rows.
        Assert.NotEqual(first.ModelText, GradientBoostingLearner.Fit(x, y, task, options with { Seed = 6 }).ModelText);
    }

    [Fact]
    public void EarlyStopping_ChoosesTheBestIteration_ThenRefitsOnEveryRow()
    {
        var (x, y) = TableData.Binary(300);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options with { LearningRate = 0.5, Iterations = 400, EarlyStoppingRounds = 10 });
        int best = model.ValidationCurve.Count;
        Assert.True(best < 400, $"best {best}");
        Assert.Equal(model.ValidationCurve.Min(), model.BestValidationScore);
        Assert.Equal(best, model.Info.Metadata!["best_validation_iteration"]!.GetValue<int>());
        // 240 of 300 rows chose the count; all 300 train 300/240 as many iterations.
        Assert.Equal((int)Math.Round(best * 300.0 / 240), model.Iterations);
        Assert.Equal(300, model.Info.Metadata["train_rows"]!.GetValue<int>());
        using var booster = LightGbmBooster.FromString(model.ModelText);
        Assert.Equal(model.Iterations, booster.CurrentIteration);
        Assert.Equal(model.BestValidationScore!.Value, model.Info.Metrics["validation_binary_logloss"]);
    }

    [Fact]
    public void EarlyStoppingWithoutRefit_KeepsTheBestIterationTrainedOnTheSplit()
    {
        var (x, y) = TableData.Binary(300);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(),
            Options with { LearningRate = 0.5, Iterations = 400, EarlyStoppingRounds = 10, RefitOnAllRows = false });
        Assert.Equal(model.ValidationCurve.Count, model.Iterations);
        Assert.Equal(240, model.Info.Metadata!["train_rows"]!.GetValue<int>());
        using var booster = LightGbmBooster.FromString(model.ModelText);
        Assert.Equal(model.Iterations, booster.CurrentIteration);
    }

    [Fact]
    public void AGivenValidationSplit_IsWhereItStopsEarly_AndEveryTrainingRowTrains()
    {
        var (x, y) = TableData.Binary(300);
        var (valid, validY) = TableData.Binary(100, seed: 5);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options with { LearningRate = 0.5, Iterations = 400, EarlyStoppingRounds = 10 },
            validation: (valid, validY));
        // Every training row trains (nothing held out of them), no refit, and the curve is the given rows' log loss.
        Assert.Equal(300, model.Info.Metadata!["train_rows"]!.GetValue<int>());
        Assert.Equal(100, model.Info.Metadata["validation_rows"]!.GetValue<int>());
        Assert.Equal("validation split", model.Info.Metadata["validation_source"]!.GetValue<string>());
        Assert.Equal(model.ValidationCurve.Count, model.Iterations);
        double loss = 0;
        var p = model.Predict(valid);
        for (int i = 0; i < validY.Length; i++) loss -= validY[i] == 1 ? Math.Log(p[i]) : Math.Log(1 - p[i]);
        Assert.Equal(model.ValidationCurve[^1], loss / validY.Length, 4);
        // Without one, a share of the training rows is held out as before.
        Assert.Equal("held out of the training rows",
            GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options with { EarlyStoppingRounds = 10 }).Info.Metadata!["validation_source"]!.GetValue<string>());
        var latest = GradientBoostingLearner.Fit(x with { TimeOrdered = true }, y, TabularTask.Binary(), Options with { EarlyStoppingRounds = 10 }).Info.Metadata!;
        Assert.Equal("the latest training rows", latest["validation_source"]!.GetValue<string>());
        Assert.Equal(60, latest["validation_rows"]!.GetValue<int>());
    }

    [Fact]
    public void WithoutEarlyStopping_TrainsEveryIterationOnAllRows()
    {
        var (x, y) = TableData.Binary(200);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options with { Iterations = 30, EarlyStoppingRounds = 0 });
        Assert.Equal(30, model.Iterations);
        Assert.Empty(model.ValidationCurve);
        Assert.Equal(200, model.Info.Metadata!["train_rows"]!.GetValue<int>());
    }

    [Fact]
    public void CategoricalFeature_IsSplitNativelyOnCategorySets()
    {
        // The label is membership of codes {1, 4, 7} of feature 2: no single threshold separates it.
        var (x, y) = TableData.Make(600, 3, r => r[2] is 1 or 4 or 7 ? 1 : 0, categorical: [2]);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options with { Iterations = 3, EarlyStoppingRounds = 0, NumLeaves = 2, LearningRate = 1 });
        Assert.Contains("cat_threshold", model.ModelText, StringComparison.Ordinal);
        Assert.Equal(1.0, TabularAuto.Score(TabularTask.Binary(), model.Predict(x), y));
        Assert.Equal([2], model.Info.CategoricalFeatures);
    }

    [Fact]
    public void MissingValues_TrainAndPredict()
    {
        var (x, y) = TableData.Binary(400);
        for (int i = 0; i < x.Rows; i += 5) x.Values[i * x.Columns + 1] = float.NaN;
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options);
        var p = model.Predict(x);
        Assert.All(p, v => Assert.True(double.IsFinite(v)));
        Assert.True(TabularAuto.Score(TabularTask.Binary(), p, y) > 0.9);
    }

    [Fact]
    public void RandomForest_AveragesBaggedTrees_AndLearns()
    {
        var (x, y) = TableData.ThreeClasses();
        var (test, testY) = TableData.ThreeClasses(300, seed: 2);
        var task = TabularTask.Classification(["a", "b", "c"]);
        var model = GradientBoostingLearner.Fit(x, y, task, GradientBoostingOptions.RandomForest with { NumThreads = 2, Iterations = 60 });
        Assert.Contains("[boosting: rf]", model.ModelText, StringComparison.Ordinal);
        Assert.Equal("random_forest", model.Learner);
        Assert.True(TabularAuto.Score(task, model.Predict(test), testY) > 0.85);
    }

    [Fact]
    public void SavedFolder_ServesTheSamePredictionsThroughTheLightGbmKind()
    {
        var (x, y) = TableData.ThreeClasses();
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Classification(["a", "b", "c"]), Options);
        var dir = Path.Combine(_root, "m");
        model.Save(dir);
        using var predictor = PredictorLoader.Default.Load(dir);
        Assert.Equal("lightgbm", predictor.Kind);
        var served = ((LightGbmPredictor)predictor).Probabilities(x);
        Assert.Equal(model.Predict(x), served);
        Assert.Equal("gbdt", ModelSpec.FromJson(File.ReadAllText(Path.Combine(dir, "model.json"))).Metadata!["learner"]!.GetValue<string>());
    }

    [Fact]
    public void Contributions_AreTreeShap_SummingToRawScores()
    {
        var (x, y) = TableData.Regression(300);
        var model = GradientBoostingLearner.Fit(x, y, TabularTask.Regression(), Options);
        var c = model.Contributions(x);
        var values = model.Predict(x);
        for (int i = 0; i < x.Rows; i++) Assert.Equal(values[i], c.Total(i, 0), 9);
    }

    [Fact]
    public void BadLabels_AreRefusedNamingTheRow()
    {
        var (x, y) = TableData.Binary(50);
        y[7] = 2;
        var e = Assert.Throws<ArgumentException>(() => GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options));
        Assert.Contains("row 7 is 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cancellation_StopsTraining()
    {
        var (x, y) = TableData.Binary(200);
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.Throws<OperationCanceledException>(() => GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), Options, cts.Token));
    }

    [Fact]
    public void Parameters_CarryDeterminismThreadsAndCategoricals()
    {
        var p = LightGbmParameters.Build(TabularTask.Classification(["a", "b", "c"]), Options with { NumThreads = 3 }, [1, 4]);
        Assert.Equal("multiclass", p["objective"]);
        Assert.Equal("3", p["num_class"]);
        Assert.Equal("true", p["deterministic"]);
        // Column-wise histograms: a fixed layout (deterministic), and LightGBM's choice for few threads and many columns.
        Assert.Equal("true", p["force_col_wise"]);
        Assert.False(p.ContainsKey("force_row_wise"));
        Assert.Equal("3", p["num_threads"]);
        Assert.Equal("1,4", p["categorical_feature"]);
        Assert.Equal("rf", LightGbmParameters.Build(TabularTask.Binary(), GradientBoostingOptions.RandomForest, [])["boosting"]);
        // Unset threads: one for a small matrix, every core for a large one.
        Assert.Equal("1", LightGbmParameters.Build(TabularTask.Binary(), Options with { NumThreads = 0 }, [], cells: 10_000)["num_threads"]);
        Assert.Equal(Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            LightGbmParameters.Build(TabularTask.Binary(), Options with { NumThreads = 0 }, [], cells: 50_000_000)["num_threads"]);
    }
}
