using Lepton.NN.Tasks;
using System.Text.Json;
using Lepton.Data.Tables;
using Lepton.Engine;
using Lepton.Runtime;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.Linear;

namespace Lepton.Training.Tests.Classic;

/// <summary>
/// Linear learners against scikit-learn (tools/fixtures/training_linear.py). Tolerance: both sides minimize the same strongly
/// convex objective on the same float32-rounded data to gradients below 1e-9 (ours) and sklearn's tol=1e-12, so minimizers
/// differ by about |g|/λ ≤ 1e-7; 1e-5 absolute on predictions and 1e-4 relative on weights leave room for the raw-space fold.
/// </summary>
public sealed class LinearLearnerTests : IDisposable
{
    private static readonly Lazy<JsonElement> Cases = new(() => Fixture.Load("training_linear.json").GetProperty("cases"));
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-linear-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    [Theory]
    [InlineData("logistic_binary")]
    [InlineData("logistic_multinomial")]
    [InlineData("ridge")]
    [InlineData("lasso")]
    [InlineData("svm_binary")]
    [InlineData("poisson")]
    [InlineData("gamma")]
    [InlineData("tweedie")]
    public void Fit_MatchesTheReference(string name)
    {
        var (c, x, y, task, options) = Case(name);
        var model = LinearLearner.Fit(x, y, task, options);

        Assert.True(model.Fit!.Converged, $"{name}: {model}");
        Fixture.AssertClose(Fixture.Doubles(c.GetProperty("weights")), model.Weights, 1e-4, 1e-6, name + " weights");
        Fixture.AssertClose(Fixture.Doubles(c.GetProperty("bias")), model.Bias, 1e-4, 1e-6, name + " bias");
        var predictions = options.Loss == LinearLoss.SquaredHinge ? model.RawScores(x) : model.Predict(x);
        Fixture.AssertClose(Fixture.Doubles(c.GetProperty("predictions")), predictions, 1e-5, 1e-5, name + " predictions");
    }

    // scikit-learn's QuantileRegressor solves the linear program exactly; the smoothed solves end within a ten-millionth of the
    // target's spread of it, so the objective matches to 1e-7 and the fitted lines to 1e-4.
    [Theory]
    [InlineData("absolute")]
    [InlineData("quantile")]
    [InlineData("quantile_lasso")]
    public void Pinball_MatchesTheLinearProgram(string name)
    {
        var (c, x, y, task, options) = Case(name);
        var model = LinearLearner.Fit(x, y, task, options);
        Assert.Equal(name == "absolute" ? "median_regression" : "quantile_regression", model.Learner);
        Assert.True(model.Fit!.Converged, model.ToString());
        var predicted = model.Predict(x);
        double q = task.Loss.QuantileLevel!.Value;
        double pinball = Enumerable.Range(0, x.Rows).Average(i => Math.Max(q * (y[i] - predicted[i]), (q - 1) * (y[i] - predicted[i])));
        var (_, scale) = Standardized(x);
        double objective = pinball + options.L1 * Enumerable.Range(0, x.Columns).Sum(j => Math.Abs(model.Weights[j] * scale[j]));
        Assert.Equal(c.GetProperty("objective").GetDouble(), objective, 7);
        Fixture.AssertClose(Fixture.Doubles(c.GetProperty("predictions")), predicted, 1e-4, 1e-4, name + " predictions");
        // A quantile's line has about q of the rows at or under it.
        Assert.InRange(Enumerable.Range(0, x.Rows).Count(i => y[i] <= predicted[i] + 1e-6) / (double)x.Rows, q - 0.05, q + 0.05);
    }

    // The pinball loss is in the target's units, not their square: with the default L2 the fit must not depend on them. Prices of
    // 3 per m² with noise ±0.3·size (triangular): the 0.95 quantile's slope is 3 + 0.3·(1 − √0.1) ≈ 3.205, whether the prices are in
    // euros or in thousandths of one (an L2 term in squared units shrank the slope to 2.7 here).
    [Fact]
    public void Pinball_FitsTheSameLineWhateverTheTargetsUnit()
    {
        var random = new Random(3);
        const int n = 2000;
        var sizes = new float[n];
        var prices = new float[n];
        for (int i = 0; i < n; i++)
        {
            sizes[i] = (float)(20 + random.NextDouble() * 80);
            prices[i] = (float)(3 * sizes[i] + (random.NextDouble() + random.NextDouble() - 1) * sizes[i] * 0.3);
        }
        var x = new FeatureMatrix(sizes, n, ["size"]);
        var task = TabularTask.Regression() with { Loss = RegressionLoss.Quantile(0.95) };
        var euros = LinearLearner.Fit(x, prices, task);
        var milli = LinearLearner.Fit(x, [.. prices.Select(p => p * 1000)], task);
        Assert.InRange(euros.Weights[0], 3.15, 3.26);
        Assert.Equal(euros.Weights[0], milli.Weights[0] / 1000, 3);
        Assert.Equal(euros.Bias[0], milli.Bias[0] / 1000, 2);
    }

    [Fact]
    public void Lasso_NoiseFeatures_ComeOutExactlyZero()
    {
        var (c, x, y, task, options) = Case("lasso");
        var model = LinearLearner.Fit(x, y, task, options);
        var zeros = Fixture.Ints(c.GetProperty("zero_weights"));
        Assert.NotEmpty(zeros);
        Assert.Equal(zeros, Enumerable.Range(0, x.Columns).Where(j => model.Weights[j] == 0).ToArray());
    }

    [Fact]
    public void LogisticWithL1_SatisfiesTheOptimalityConditions()
    {
        // At the L1 optimum: |∂f/∂w_j| ≤ λ₁ where w_j = 0, and ∂f/∂w_j = -λ₁ sign(w_j) elsewhere (f: mean log loss, standardized).
        var (x, y) = TableData.Make(200, 6, r => r[0] - r[1] > 0 ? 1 : 0, seed: 3);
        const double l1 = 0.05;
        var model = LinearLearner.Fit(x, y, TabularTask.Binary(), LinearOptions.Logistic with { L2 = 0, L1 = l1 });
        Assert.True(model.Fit!.Converged);
        Assert.Contains(model.Weights, w => w == 0);
        var (z, scale) = Standardized(x);
        var raw = model.RawScores(x);
        for (int j = 0; j < x.Columns; j++)
        {
            double g = 0;
            for (int i = 0; i < x.Rows; i++) g += (1 / (1 + Math.Exp(-raw[i])) - y[i]) * z[i * x.Columns + j];
            g /= x.Rows;
            double w = model.Weights[j] * scale[j];
            if (w == 0) Assert.True(Math.Abs(g) <= l1 + 1e-6, $"feature {j}: |g| {Math.Abs(g)} > λ₁");
            else Assert.Equal(-l1 * Math.Sign(w), g, 5);
        }
    }

    [Theory]
    [InlineData(LinearLoss.Logistic, 1)]
    [InlineData(LinearLoss.Logistic, 3)]
    [InlineData(LinearLoss.SquaredError, 1)]
    [InlineData(LinearLoss.SquaredHinge, 1)]
    [InlineData(LinearLoss.SquaredHinge, 3)]
    public void Objective_GradientMatchesFiniteDifferences(LinearLoss loss, int k)
    {
        var rng = new Random(4);
        int n = 12, f = 3;
        var z = Enumerable.Range(0, n * f).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, n).Select(i => loss == LinearLoss.SquaredError ? (float)(rng.NextDouble() * 4) : i % Math.Max(2, k)).ToArray();
        AssertGradientMatchesFiniteDifferences(new LinearObjective(z, y, n, f, k, loss, l2: 0.3, multinomial: k > 1), rng, $"{loss} k={k}");
    }

    [Theory]
    [InlineData(LinearLoss.Logistic, 3)]
    [InlineData(LinearLoss.SquaredError, 1)]
    public void Objective_ParallelBlocks_EqualTheOnePassReference(LinearLoss loss, int k)
    {
        var rng = new Random(5);
        int n = 2 * LinearObjective.BlockRows + 123, f = 7;
        var z = Enumerable.Range(0, n * f).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, n).Select(i => loss == LinearLoss.SquaredError ? (float)rng.NextDouble() : i % k).ToArray();
        var objective = new LinearObjective(z, y, n, f, k, loss, l2: 0.01, multinomial: k > 1);
        var theta = Enumerable.Range(0, objective.Parameters).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var reference = new double[theta.Length];
        var parallel = new double[theta.Length];
        double fr = objective.Evaluate(theta, reference, parallel: false);
        double fp = objective.Evaluate(theta, parallel, parallel: true);
        Assert.Equal(fr, fp, 12);
        Fixture.AssertClose(reference, parallel, 1e-12, 1e-14, "gradient");
        // Blocks are summed in a fixed order: the parallel sum repeats bit for bit.
        var again = new double[theta.Length];
        Assert.Equal(fp, objective.Evaluate(theta, again, parallel: true));
        Assert.Equal(parallel, again);
    }

    [Theory]
    [InlineData("poisson")]
    [InlineData("gamma")]
    [InlineData("tweedie=1.3")]
    public void DevianceObjective_GradientMatchesFiniteDifferences(string lossName)
    {
        var rng = new Random(6);
        int n = 12, f = 3;
        var z = Enumerable.Range(0, n * f).Select(_ => rng.NextDouble() * 2 - 1).ToArray();
        var y = Enumerable.Range(0, n).Select(i => (float)(rng.NextDouble() * 4 + (lossName == "gamma" ? 0.1 : 0))).ToArray();
        AssertGradientMatchesFiniteDifferences(
            new LinearObjective(z, y, n, f, 1, LinearLoss.Deviance, l2: 0.3, multinomial: false, regression: RegressionLoss.Parse(lossName)), rng, lossName);
    }

    // Central differences of the objective at a random θ against its analytic gradient, coordinate by coordinate.
    private static void AssertGradientMatchesFiniteDifferences(LinearObjective objective, Random rng, string what)
    {
        var theta = Enumerable.Range(0, objective.Parameters).Select(_ => rng.NextDouble() - 0.5).ToArray();
        var g = new double[theta.Length];
        objective.Evaluate(theta, g);
        var scratch = new double[theta.Length];
        const double h = 1e-6;
        for (int t = 0; t < theta.Length; t++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[t] += h;
            minus[t] -= h;
            double numeric = (objective.Evaluate(plus, scratch) - objective.Evaluate(minus, scratch)) / (2 * h);
            Assert.True(Math.Abs(numeric - g[t]) <= 1e-6 * Math.Max(1, Math.Abs(g[t])), $"{what} θ[{t}]: analytic {g[t]}, numeric {numeric}");
        }
    }

    [Fact]
    public void PoissonModel_SavesWithExp_ServesTheCount_AndExplainsTheLogOfIt()
    {
        var (_, x, y, task, options) = Case("poisson");
        var model = LinearLearner.Fit(x, y, task, options);
        Assert.Equal("poisson_regression", model.Learner);
        var dir = Path.Combine(_root, "poisson");
        model.Save(dir);
        Assert.Contains("\"loss\": \"poisson\"", File.ReadAllText(Path.Combine(dir, "model.json")), StringComparison.Ordinal);

        using var predictor = PredictorLoader.Default.Load(dir);
        Assert.True(predictor.Signature.Task!.LogLink);
        var served = predictor.Predict(Tensor.FromArray(x.Values, x.Rows, x.Columns))[0].ToArray();
        var predicted = model.Predict(x);
        Assert.All(predicted, p => Assert.True(p > 0));
        Fixture.AssertClose(predicted, [.. served.Select(v => (double)v)], 1e-5, 1e-4, "served counts");
        // Contributions add up to the raw score, the log of the count.
        var c = model.Contributions(x);
        for (int i = 0; i < x.Rows; i++) Assert.Equal(Math.Log(predicted[i]), c.Total(i, 0), 5);
        var fromFolder = Lepton.Runtime.Tables.LinearContributions.TryLoad(dir)!.Contributions(x);
        Assert.Equal(c.Total(7, 0), fromFolder.Total(7, 0), 4);

        var back = LinearModel.Load(dir);
        Assert.Equal(RegressionLoss.Poisson, back.Task.Loss);
        Assert.Equal(LinearLoss.Deviance, back.Loss);
        Fixture.AssertClose(predicted, back.Predict(x), 1e-5, 1e-5, "reloaded");
    }

    [Theory]
    [InlineData("absolute")]
    [InlineData("quantile=0.9")]
    public void ALinearLossThatDoesNotFitTheTasksLoss_IsRefused(string loss)
    {
        var (x, y) = TableData.Regression(30);
        var e = Assert.Throws<ArgumentException>(() => LinearLearner.Fit(x, y, TabularTask.Regression() with { Loss = RegressionLoss.Parse(loss) },
            LinearOptions.Ridge));
        Assert.Contains($"does not fit the task's {loss} loss", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Lbfgs_Rosenbrock_ReachesTheMinimum()
    {
        var x = new double[] { -1.2, 1 };
        var result = Lbfgs.Minimize((p, g) =>
        {
            double a = 1 - p[0], b = p[1] - p[0] * p[0];
            g[0] = -2 * a - 400 * p[0] * b;
            g[1] = 200 * b;
            return a * a + 100 * b * b;
        }, x, new LbfgsOptions(GradientTolerance: 1e-8));
        Assert.True(result.Converged, $"{result}");
        Assert.Equal(1.0, x[0], 6);
        Assert.Equal(1.0, x[1], 6);
    }

    [Theory]
    [InlineData("logistic_multinomial")]
    [InlineData("ridge")]
    public void Contributions_SumToRawScores_AndBiasIsTheOutputAtTheMean(string name)
    {
        var (_, x, y, task, options) = Case(name);
        var model = LinearLearner.Fit(x, y, task, options);
        var c = model.Contributions(x);
        var raw = model.RawScores(x);
        int k = model.Outputs;
        for (int i = 0; i < x.Rows; i++)
            for (int o = 0; o < k; o++)
            {
                Assert.Equal(raw[i * k + o], c.Total(i, o), 9);
                Assert.Equal(model.Weights[o * x.Columns + 1] * (x.Row(i)[1] - model.FeatureMeans[1]), c.Of(i, o, 1), 12);
            }
        var mean = new FeatureMatrix([.. model.FeatureMeans.Select(v => (float)v)], 1, x.FeatureNames);
        Assert.Equal(model.RawScores(mean)[0], c.Bias(0, 0), 4);
    }

    [Theory]
    [InlineData("logistic_binary", OutputKind.TaskAnswers)]
    [InlineData("logistic_multinomial", OutputKind.ClassLogits)]
    [InlineData("ridge", OutputKind.TaskAnswers)]
    public void SavedFolder_IsALeptonNetwork_ServingTheSameScores(string name, OutputKind kind)
    {
        var (_, x, y, task, options) = Case(name);
        var model = LinearLearner.Fit(x, y, task, options);
        var dir = Path.Combine(_root, name);
        model.Save(dir);

        using var predictor = PredictorLoader.Default.Load(dir);
        Assert.Equal("lepton", predictor.Kind);
        Assert.Equal(kind, predictor.Signature.Kind);
        predictor.WarmUp(2);
        var served = predictor.Predict(Tensor.FromArray(x.Values, x.Rows, x.Columns))[0].ToArray();
        Fixture.AssertClose(model.RawScores(x), [.. served.Select(v => (double)v)], 1e-5, 1e-4, name + " served");

        var back = LinearModel.Load(dir);
        Assert.Equal(model.Learner, back.Learner);
        Assert.Equal(model.FeatureNames, back.FeatureNames);
        Fixture.AssertClose(model.Predict(x), back.Predict(x), 1e-5, 1e-5, name + " reloaded");
    }

    [Fact]
    public void MissingValue_IsRefusedNamingRowAndFeature()
    {
        var (x, y) = TableData.Binary(20);
        x.Values[3 * x.Columns + 2] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => LinearLearner.Fit(x, y, TabularTask.Binary()));
        Assert.Contains("row 3, feature 'f2' is NaN", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegressionLossOnAClassificationTask_IsRefused()
    {
        var (x, y) = TableData.Binary(20);
        var e = Assert.Throws<ArgumentException>(() => LinearLearner.Fit(x, y, TabularTask.Binary(), LinearOptions.Ridge));
        Assert.Contains("SquaredError loss does not fit a binary task", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MulticlassSvm_LearnsOneVersusRest()
    {
        var (x, y) = TableData.ThreeClasses();
        var task = TabularTask.Classification(["a", "b", "c"]);
        var model = LinearLearner.Fit(x, y, task, LinearOptions.Svm);
        Assert.Equal("linear_svm", model.Learner);
        Assert.True(TabularAuto.Score(task, model.RawScores(x), y) > 0.8);
    }

    private static (JsonElement Case, FeatureMatrix X, float[] Y, TabularTask Task, LinearOptions Options) Case(string name)
    {
        var c = Cases.Value.EnumerateArray().Single(e => e.GetProperty("name").GetString() == name);
        int n = c.GetProperty("rows").GetInt32(), f = c.GetProperty("features").GetInt32();
        var x = new FeatureMatrix(Fixture.Floats(c.GetProperty("x")), n, [.. Enumerable.Range(0, f).Select(j => $"x{j}")]);
        var y = Fixture.Floats(c.GetProperty("y"));
        int classes = c.GetProperty("classes").GetInt32();
        string lossName = c.GetProperty("loss").GetString()!;
        var task = classes == 0 ? TabularTask.Regression() : TabularTask.Classification([.. Enumerable.Range(0, classes).Select(k => $"c{k}")]);
        var loss = lossName switch
        {
            "logistic" => LinearLoss.Logistic,
            "squared_hinge" => LinearLoss.SquaredHinge,
            "squared_error" => LinearLoss.SquaredError,
            _ when lossName == "absolute" || lossName.StartsWith("quantile", StringComparison.Ordinal) => LinearLoss.Pinball,
            _ => LinearLoss.Deviance,
        };
        if (loss is LinearLoss.Deviance or LinearLoss.Pinball) task = task with { Loss = RegressionLoss.Parse(lossName) };
        var options = new LinearOptions { Loss = loss, L2 = c.GetProperty("l2").GetDouble(), L1 = c.GetProperty("l1").GetDouble() };
        return (c, x, y, task, options);
    }

    private static (double[] Z, double[] Scale) Standardized(FeatureMatrix x)
    {
        int n = x.Rows, f = x.Columns;
        var mean = new double[f];
        var scale = new double[f];
        for (int i = 0; i < n; i++) for (int j = 0; j < f; j++) mean[j] += x.Row(i)[j] / (double)n;
        for (int i = 0; i < n; i++) for (int j = 0; j < f; j++) scale[j] += Math.Pow(x.Row(i)[j] - mean[j], 2) / n;
        for (int j = 0; j < f; j++) scale[j] = Math.Sqrt(scale[j]);
        var z = new double[n * f];
        for (int i = 0; i < n; i++) for (int j = 0; j < f; j++) z[i * f + j] = (x.Row(i)[j] - mean[j]) / scale[j];
        return (z, scale);
    }
}
