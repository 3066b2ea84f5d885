using Lepton.Data.Tables;
using Lepton.Runtime;
using Lepton.Runtime.LightGbm;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Classic.Linear;
using Lepton.Training.Classic.Mlp;

namespace Lepton.Training.Tests.Classic;

/// <summary>
/// Class weights in every tabular learner, and a binary model's decision threshold travelling with the model folder into the
/// served signature.
/// </summary>
public sealed class ClassWeightingTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "lepton-class-weights", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root)) Directory.Delete(_root, recursive: true);
    }

    // About 8% positives: yes when f0 + 0.5 f1 is high, with a little label noise so no learner is perfect.
    private static (FeatureMatrix X, float[] Y) Rare(int n, int seed)
    {
        var noise = new Random(seed + 100);
        return TableData.Make(n, 4, r => r[0] + 0.5f * r[1] + 0.3 * (noise.NextDouble() - 0.5) > 0.95f ? 1 : 0, seed);
    }

    [Fact]
    public void Parse_ReadsNoneBalancedAndPerClass_AndRefusesOtherText()
    {
        Assert.True(ClassWeighting.Parse("none").IsNone);
        Assert.Equal("balanced", ClassWeighting.Parse("Balanced").ToString());
        var custom = ClassWeighting.Parse("yes=10, no=0.5");
        Assert.Equal(10, custom.PerClass!["yes"]);
        Assert.Equal(custom.ToString(), ClassWeighting.Parse(custom.ToString()).ToString());
        Assert.Contains("CLASS=WEIGHT", Assert.Throws<ArgumentException>(() => ClassWeighting.Parse("heavy")).Message);
        Assert.Contains("positive", Assert.Throws<ArgumentException>(() => ClassWeighting.Parse("yes=-1")).Message);
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => ClassWeighting.Parse("yes=2,yes=3")).Message);
    }

    [Fact]
    public void Balanced_GivesEveryClassTheSameTotal_AndRowsAMeanOfOne()
    {
        float[] y = [0, 0, 0, 0, 0, 0, 1, 1, 2, 2];
        var task = TabularTask.Classification(["a", "b", "c"]);
        var w = ClassWeighting.Balanced.ClassWeights(y, task)!;
        Assert.Equal(10.0 / (3 * 6), w[0], 12);
        Assert.Equal(10.0 / (3 * 2), w[1], 12);
        var rows = ClassWeighting.RowWeights(y, w);
        Assert.Equal(1.0, rows.Average(v => (double)v), 6);
        Assert.Equal(rows.Where((_, i) => y[i] == 0).Sum(), rows.Where((_, i) => y[i] == 1).Sum(), 4);

        var custom = ClassWeighting.Parse("c=4").ClassWeights(y, task)!;
        Assert.Equal(4 * custom[0], custom[2], 12);
        Assert.Equal(1.0, ClassWeighting.RowWeights(y, custom).Average(v => (double)v), 6);

        Assert.Null(ClassWeighting.None.ClassWeights(y, task));
        Assert.Contains("a, b, c", Assert.Throws<ArgumentException>(() => ClassWeighting.Parse("d=2").ClassWeights(y, task)).Message);
        Assert.Contains("regression", Assert.Throws<ArgumentException>(() => ClassWeighting.Balanced.ClassWeights([1.5f], TabularTask.Regression())).Message);
    }

    [Fact]
    public void WeightedLogistic_EqualsLogisticOnTheRowsRepeated()
    {
        // Weight 2 on the positives is the same objective as every positive row twice (mean-1 weights keep the penalty's scale;
        // unstandardized, since repeated rows would move the standardization's statistics).
        var (x, y) = Rare(300, 4);
        var plain = new LinearOptions { Standardize = false };
        var weighted = LinearLearner.Fit(x, y, TabularTask.Binary(), plain with { ClassWeights = ClassWeighting.Parse("1=2") });
        var repeatedRows = Enumerable.Range(0, x.Rows).Concat(Enumerable.Range(0, x.Rows).Where(i => y[i] == 1)).ToArray();
        var repeated = LinearLearner.Fit(TableRows.Subset(x, repeatedRows), TableRows.Subset(y, repeatedRows), TabularTask.Binary(), plain);
        Fixture.AssertClose(repeated.Weights, weighted.Weights, 1e-4, 1e-6, "weights");
        Fixture.AssertClose(repeated.Bias, weighted.Bias, 1e-4, 1e-6, "bias");
        Assert.Equal("1=2", weighted.ClassWeights.ToString());
    }

    public static TheoryData<string> Learners => ["gbdt", "logistic", "mlp"];

    [Theory]
    [MemberData(nameof(Learners))]
    public void Balanced_RaisesTheRareClassRecallAtOneHalf(string learner)
    {
        var (x, y) = Rare(1200, 7);
        var (tx, ty) = Rare(1200, 8);
        Assert.InRange(y.Average(), 0.04, 0.14);
        double plain = Recall(Fit(learner, x, y, ClassWeighting.None).Predict(tx), ty);
        double balanced = Recall(Fit(learner, x, y, ClassWeighting.Balanced).Predict(tx), ty);
        Assert.True(balanced > plain + 0.1, $"{learner}: recall {plain:F3} without weights, {balanced:F3} balanced");
    }

    private static ITabularModel Fit(string learner, FeatureMatrix x, float[] y, ClassWeighting weights) => learner switch
    {
        "gbdt" => GradientBoostingLearner.Fit(x, y, TabularTask.Binary(), GradientBoostingOptions.Default with { NumThreads = 1, ClassWeights = weights }),
        "logistic" => LinearLearner.Fit(x, y, TabularTask.Binary(), new LinearOptions { ClassWeights = weights }),
        _ => TabularMlp.Fit(x, y, TabularTask.Binary(), new TabularMlpOptions { Members = 1, MaxEpochs = 60, ClassWeights = weights }),
    };

    private static double Recall(double[] p, float[] y)
    {
        int tp = 0, positives = 0;
        for (int i = 0; i < y.Length; i++)
        {
            if (y[i] != 1) continue;
            positives++;
            if (p[i] >= 0.5) tp++;
        }
        return (double)tp / positives;
    }

    [Theory]
    [MemberData(nameof(Learners))]
    public void AChosenThreshold_IsSaved_LoadedAndServed(string learner)
    {
        var (x, y) = Rare(400, 9);
        var model = Fit(learner, x, y, ClassWeighting.None);
        var choice = DecisionThreshold.MaxF1.Choose(model.Predict(x), y, "the training rows");
        var decided = model.WithThreshold(choice);
        Assert.Equal(choice.Threshold, decided.Task.Threshold);
        Assert.Equal(0.5, model.Task.Threshold); // the original is untouched
        Assert.Equal(model.Predict(x), decided.Predict(x)); // same fitted parameters
        string folder = Path.Combine(_root, learner);
        decided.Save(folder);

        using var predictor = PredictorLoader.Default.Load(folder);
        Assert.Equal(choice.Threshold, predictor.Signature.Task!.Threshold, 12);
        ITabularModel loaded = learner switch
        {
            "logistic" => LinearModel.Load(folder),
            "mlp" => TabularMlpModel.Load(folder),
            _ => null!,
        };
        if (loaded is not null)
        {
            Assert.Equal(choice.Threshold, loaded.Task.Threshold, 12);
            Assert.Equal(choice, loaded.ThresholdChoice);
        }
        var spec = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "model.json")))!;
        Assert.Equal(choice, ThresholdChoice.FromJson(spec["metadata"]!["decision_threshold"]));
        Assert.Equal("none", spec["metadata"]!["class_weight"]!.GetValue<string>());
    }

    [Fact]
    public void Auto_WithAThresholdRule_RanksByTheRulesObjective_AndTheWinnerKeepsItsThreshold()
    {
        var (x, y) = Rare(600, 11);
        var result = TabularAuto.Run(x, y, TabularTask.Binary(), new TabularAutoOptions(Folds: 3, NumThreads: 1) { Threshold = DecisionThreshold.MaxF1 });
        Assert.All(result.Scores.Where(s => s.Completed), s =>
        {
            Assert.Equal("f1", s.Metric);
            Assert.NotNull(s.Threshold);
            Assert.Contains("out-of-fold", s.Threshold!.Source);
        });
        var best = result.Scores.Where(s => s.Completed).MaxBy(s => s.Mean)!;
        Assert.Equal(best.Name, result.Best);
        Assert.Equal(best.Threshold, result.Model.ThresholdChoice);
        Assert.Equal(best.Threshold!.Threshold, result.Model.Task.Threshold);
        Assert.Equal(x.Rows, best.Threshold.Rows); // hash folds: every row held out once

        var e = Assert.Throws<ArgumentException>(() => TabularAuto.Run(TableData.ThreeClasses(90).X, TableData.ThreeClasses(90).Y,
            TabularTask.Classification(["a", "b", "c"]), new TabularAutoOptions(Folds: 3) { Threshold = DecisionThreshold.MaxF1 }));
        Assert.Contains("binary", e.Message);
    }
}
