using Lepton.NN.Tasks;
using Lepton.Data.Tables;
using Lepton.NN;
using Lepton.Engine;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Runtime.Tables;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.Linear;
using Lepton.Training.Classic.Mlp;

namespace Lepton.Training.Tests.Classic;

/// <summary>
/// The tabular MLP: it learns an interaction a linear model cannot, is deterministic for a seed, saves as a Lepton network that
/// reads back predicting the same values, and its integrated-gradient contributions add up to the raw output.
/// </summary>
public sealed class TabularMlpTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-mlp-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // XOR of two signs, two noise features: no hyperplane beats chance, two hidden layers separate it.
    private static (FeatureMatrix X, float[] Y) Xor(int n, int seed) => TableData.Make(n, 4, r => r[0] * r[1] > 0 ? 1 : 0, seed);

    private static readonly TabularMlpOptions Quick = new() { Members = 1 };

    [Fact]
    public void Fit_XorTable_LearnsWhatLogisticCannot()
    {
        var (x, y) = Xor(500, seed: 1);
        var (testX, testY) = Xor(300, seed: 2);
        var task = TabularTask.Binary();

        double mlp = TabularAuto.Score(task, TabularMlp.Fit(x, y, task, Quick).Predict(testX), testY);
        double logistic = TabularAuto.Score(task, LinearLearner.Fit(x, y, task).Predict(testX), testY);

        Assert.True(mlp >= 0.9, $"MLP accuracy {mlp:F3} on XOR");
        Assert.True(logistic <= 0.65, $"logistic accuracy {logistic:F3} on XOR: the table is not the nonlinear test it should be");
        Assert.True(mlp - logistic >= 0.3, $"MLP {mlp:F3} vs logistic {logistic:F3}");
    }

    [Fact]
    public void Fit_Regression_LearnsACurveOnTargetsFarFromZero()
    {
        // y = 100 + 30·x0² − 20·x1: the target's mean and scale are folded back into the last layer.
        var (x, y) = TableData.Make(400, 3, r => 100 + 30 * r[0] * r[0] - 20 * r[1], seed: 4);
        var (testX, testY) = TableData.Make(200, 3, r => 100 + 30 * r[0] * r[0] - 20 * r[1], seed: 5);
        var task = TabularTask.Regression();
        double mlp = TableData.Rmse(TabularMlp.Fit(x, y, task, Quick).Predict(testX), testY);
        double ridge = TableData.Rmse(LinearLearner.Fit(x, y, task).Predict(testX), testY);
        Assert.True(mlp < 0.4 * ridge, $"MLP RMSE {mlp:F3} vs ridge {ridge:F3} (target std {TableData.Std(testY):F1})");
    }

    [Fact]
    public void Fit_QuantileLoss_PredictsAnUpperBand()
    {
        var (x, y) = TableData.Noisy(800);
        var (testX, testY) = TableData.Noisy(400, seed: 2);
        var task = TabularTask.Regression() with { Loss = RegressionLoss.Quantile(0.9) };
        var model = TabularMlp.Fit(x, y, task, Quick);
        double coverage = RegressionLoss.Coverage(model.Predict(testX), testY);
        Assert.InRange(coverage, 0.82, 0.97);
        // Squared error aims at the mean: about half the targets lie under it.
        double meanCoverage = RegressionLoss.Coverage(TabularMlp.Fit(x, y, TabularTask.Regression(), Quick).Predict(testX), testY);
        Assert.InRange(meanCoverage, 0.35, 0.65);
    }

    [Fact]
    public void Fit_PoissonLoss_LearnsCounts_ServesThemThroughExp_AndExplainsTheirLog()
    {
        var (x, y) = TableData.Counts(1500);
        var (testX, testY) = TableData.Counts(500, seed: 2);
        var task = TabularTask.Regression() with { Loss = RegressionLoss.Poisson };
        var model = TabularMlp.Fit(x, y, task, Quick);
        var predicted = model.Predict(testX);
        Assert.All(predicted, p => Assert.True(p > 0));
        TableData.AssertFitsCounts(predicted, testX, testY, y, slack: 1.15);

        var dir = Path.Combine(_root, "poisson");
        model.Save(dir);
        using (var predictor = Lepton.Runtime.PredictorLoader.Default.Load(dir))
        {
            var served = predictor.Predict(Tensor.FromArray(testX.Values, testX.Rows, testX.Columns))[0].ToArray();
            for (int i = 0; i < 20; i++) Assert.Equal(predicted[i], served[i], 3);
        }
        var back = TabularMlpModel.Load(dir);
        Assert.Equal(RegressionLoss.Poisson, back.Task.Loss);
        Fixture.AssertClose(predicted, back.Predict(testX), 1e-5, 1e-5, "reloaded");
        // Contributions (from the folder too) add up to the raw output, the log of the count.
        var fromFolder = Lepton.Runtime.Tables.MlpContributions.TryLoad(dir)!.Contributions(testX);
        for (int i = 0; i < 20; i++) Assert.Equal(Math.Log(predicted[i]), fromFolder.Total(i, 0), 3);
    }

    [Fact]
    public void Fit_SameSeed_SameModel_AnotherSeed_AnotherModel()
    {
        var (x, y) = TableData.ThreeClasses(300);
        var task = TabularTask.Classification(["a", "b", "c"]);
        var options = new TabularMlpOptions { Members = 2, MaxEpochs = 30, Seed = 7 };
        var first = TabularMlp.Fit(x, y, task, options).Predict(x);
        var again = TabularMlp.Fit(x, y, task, options).Predict(x);
        var other = TabularMlp.Fit(x, y, task, options with { Seed = 8 }).Predict(x);
        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public void Pack_AnswersTheMeanOfItsMembers()
    {
        var members = Enumerable.Range(0, 3).Select(s => TabularMlp.Build(5, [8, 6], 2, seed: s)).ToList();
        var packed = TabularMlp.Pack(members);
        var (x, _) = TableData.Make(20, 5, _ => 0, seed: 9);
        var input = Lepton.Engine.Tensor.FromArray(x.Values, x.Rows, x.Columns);
        var mean = new double[x.Rows * 2];
        foreach (var m in members)
        {
            var raw = m.Forward(input).ToArray();
            for (int t = 0; t < mean.Length; t++) mean[t] += raw[t] / 3.0;
        }
        var got = packed.Forward(input).ToArray();
        for (int t = 0; t < mean.Length; t++) Assert.Equal(mean[t], got[t], 5);
        Assert.Equal([24, 18], MlpContributions.LinearsOf(packed)!.Take(2).Select(l => l.OutFeatures));
    }

    [Fact]
    public void AGivenValidationSplit_IsWhereItStopsEarly_WithoutARefit()
    {
        var (x, y) = TableData.Regression(300);
        var (valid, validY) = TableData.Regression(100, seed: 6);
        var task = TabularTask.Regression();
        var options = new TabularMlpOptions { Members = 1, MaxEpochs = 60, Patience = 5 };
        var model = TabularMlp.Fit(x, y, task, options, validation: (valid, validY));
        Assert.False(model.Fit!.Refitted);
        Assert.True(model.Fit.Epochs[0] <= 60);
        // The reported validation loss is the given rows' (on the standardized target), so it follows their RMSE.
        double rmse = TableData.Rmse(model.Predict(valid), validY);
        Assert.True(rmse < TableData.Std(validY), $"validation RMSE {rmse:F3} against the target's spread {TableData.Std(validY):F3}");
        Assert.NotEqual(TabularMlp.Fit(x, y, task, options).Fit!.ValidationLosses[0], model.Fit.ValidationLosses[0]);
        var wrong = new FeatureMatrix(new float[2 * 3], 2, ["a", "b", "c"]);
        Assert.Contains("same encoders", Assert.Throws<ArgumentException>(() => TabularMlp.Fit(x, y, task, options, validation: (wrong, [0f, 1f]))).Message);
    }

    [Fact]
    public void SaveLoad_RoundTrip_PredictsTheSameValues()
    {
        var (x, y) = TableData.ThreeClasses(300);
        var task = TabularTask.Classification(["low", "mid", "high"]);
        var model = TabularMlp.Fit(x, y, task, new TabularMlpOptions { Members = 2, MaxEpochs = 40 });
        model.Save(_root);

        var back = TabularMlpModel.Load(_root);
        Assert.Equal(model.Predict(x), back.Predict(x));
        Assert.Equal(2, back.Members);
        Assert.Equal(["low", "mid", "high"], back.Task.ClassNames);
        Assert.Equal(model.FeatureMeans, back.FeatureMeans);
        // The folder is a plain Lepton network: model.json names the kind the server explains by integrated gradients.
        var spec = ModelFile.Load(_root).Spec;
        Assert.Equal("mlp", spec.Metadata!["kind"]!.GetValue<string>());
        Assert.Equal([64, 64], spec.Metadata!["hidden_layers"]!.AsArray().Select(v => v!.GetValue<int>()));
        Assert.NotNull(MlpContributions.TryLoad(_root));
        Assert.Null(LinearContributions.TryLoad(_root));
    }

    [Theory]
    [InlineData("binary")]
    [InlineData("multiclass")]
    [InlineData("regression")]
    public void Contributions_AddUpToTheRawOutput_AndMatchTheMidpointReference(string kind)
    {
        var (x, y, task) = kind switch
        {
            "binary" => Tuple(Xor(300, seed: 3), TabularTask.Binary()),
            "multiclass" => Tuple(TableData.ThreeClasses(300), TabularTask.Classification(["a", "b", "c"])),
            _ => Tuple(TableData.Regression(300), TabularTask.Regression()),
        };
        var model = TabularMlp.Fit(x, y, task, new TabularMlpOptions { Members = 2, MaxEpochs = 40 });
        var rows = TableRows.Subset(x, [.. Enumerable.Range(0, 12)]);
        var raw = model.RawScores(rows);
        var exact = model.Contributions(rows);
        int k = model.Outputs;
        for (int r = 0; r < rows.Rows; r++)
            for (int c = 0; c < k; c++)
            {
                double total = exact.Total(r, c), served = raw[r * k + c];
                Assert.True(Math.Abs(total - served) <= 1e-3 * Math.Max(1, Math.Abs(served)), $"row {r} output {c}: bias + contributions {total} vs raw output {served}");
            }
        // The bias is the output at the baseline (the training means), the same for every row.
        var atMean = new FeatureMatrix([.. model.FeatureMeans.Select(m => (float)m)], 1, x.FeatureNames, []);
        Assert.Equal(model.RawScores(atMean)[0], exact.Bias(5, 0), 3);
        // The exact path integral against the plain midpoint rule with many steps, on a few rows.
        var few = TableRows.Subset(rows, [0, 1, 2, 3]);
        var reference = MlpContributions.FromNetwork(model.Network, model.FeatureNames, model.FeatureMeans).ContributionsByMidpoints(few, 1000);
        double scale = exact.Values.Max(Math.Abs);
        for (int t = 0; t < reference.Values.Length; t++)
            Assert.True(Math.Abs(exact.Values[t] - reference.Values[t]) <= 2e-3 * scale, $"value {t}: exact {exact.Values[t]} vs midpoints {reference.Values[t]}");
    }

    [Fact]
    public void Fit_MissingValues_AreRefusedWithTheFix()
    {
        var (x, y) = TableData.Binary(100);
        x.Values[7] = float.NaN;
        var e = Assert.Throws<ArgumentException>(() => TabularMlp.Fit(x, y, TabularTask.Binary(), Quick));
        Assert.Contains("row 1, feature 'f2' is NaN", e.Message, StringComparison.Ordinal);
        Assert.Contains("Impute", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_AreRefusedNamingTheFlag()
    {
        var (x, y) = TableData.Binary(60);
        Assert.Contains("--lr", Assert.Throws<ArgumentException>(() => TabularMlp.Fit(x, y, TabularTask.Binary(), new TabularMlpOptions { LearningRate = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("--epochs", Assert.Throws<ArgumentException>(() => TabularMlp.Fit(x, y, TabularTask.Binary(), new TabularMlpOptions { MaxEpochs = 0 })).Message, StringComparison.Ordinal);
        Assert.Contains("--batch-size", Assert.Throws<ArgumentException>(() => TabularMlp.Fit(x, y, TabularTask.Binary(), new TabularMlpOptions { BatchSize = 0 })).Message, StringComparison.Ordinal);
    }

    private static (FeatureMatrix, float[], TabularTask) Tuple((FeatureMatrix X, float[] Y) data, TabularTask task) => (data.X, data.Y, task);
}
