using Lepton.NN.Tasks;
using Lepton.Data.Tables;
using Lepton.Data.Tables.Encoding;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.Linear;

namespace Lepton.Training.Tests.Classic;

/// <summary>auto: every candidate scored on the same folds, the best refitted, the budget and refusals recorded.</summary>
public sealed class TabularAutoTests
{
    [Fact]
    public void Run_ScoresEveryCandidate_AndReturnsTheBestRefitted()
    {
        // A linear rule: the logistic model should win or tie, and every default candidate gets 3 fold scores.
        var (x, y) = TableData.Binary(300);
        var result = TabularAuto.Run(x, y, TabularTask.Binary(), new TabularAutoOptions(Folds: 3, NumThreads: 2));

        Assert.Equal(["logistic", "gbdt", "random_forest", "linear_svm", "mlp"], result.Scores.Select(s => s.Name));
        Assert.All(result.Scores, s => Assert.Equal(3, s.FoldScores.Count));
        var best = result.Scores.MaxBy(s => s.Mean)!;
        Assert.Equal(best.Mean, result.Scores.Single(s => s.Name == result.Best).Mean);
        Assert.Equal(result.Best, result.Model.Learner);
        Assert.True(best.Mean > 0.95, $"best {best.Name} {best.Mean}");
    }

    [Fact]
    public void ATie_GoesToTheEarlierCandidate_NotTheFaster_AndEveryFoldIsReported()
    {
        var (x, y) = TableData.Binary(150);
        var plain = TabularCandidate.Linear("plain", LinearOptions.Logistic);
        // The same learner, slowed down: equal scores, so only the order may decide, never the clock.
        var slow = plain with { Name = "slow", Fit = (m, l, t, ct) => { Thread.Sleep(30); return plain.Fit(m, l, t, ct); } };
        var reports = new List<TabularAutoProgress>();
        var progress = new SynchronousProgress(reports.Add);
        var result = TabularAuto.Run(x, y, TabularTask.Binary(), new TabularAutoOptions(Folds: 3, Progress: progress), [slow, plain]);

        Assert.Equal(result.Scores[0].Mean, result.Scores[1].Mean);
        Assert.Equal("slow", result.Best);
        Assert.Equal(["slow 1/2 fold 1/3", "slow 1/2 fold 2/3", "slow 1/2 fold 3/3", "plain 2/2 fold 1/3", "plain 2/2 fold 2/3", "plain 2/2 fold 3/3"],
            reports.Select(r => $"{r.Candidate} {r.Index}/{r.Candidates} fold {r.FoldsDone}/{r.Folds}"));
        Assert.Equal(result.Scores[0].FoldScores, reports.Take(3).Select(r => r.FoldScore));
    }

    [Fact]
    public void WithScoreWeights_CandidatesAreRankedByTheWeightedScore_AndTheHeldOutRowsCarryTheirWeights()
    {
        // A third of the rows weigh 5: "heavy" answers them right and the others wrong, "light" the other way round. Counting rows,
        // light is right twice as often; counting weight, heavy is right 500 to 200.
        int n = 300;
        var rng = new Random(4);
        var values = new float[n * 2];
        var labels = new float[n];
        var weights = new float[n];
        for (int i = 0; i < n; i++)
        {
            labels[i] = rng.Next(2);
            bool heavyRow = i % 3 == 0;
            weights[i] = heavyRow ? 5 : 1;
            values[i * 2] = heavyRow ? labels[i] : 1 - labels[i];
            values[i * 2 + 1] = heavyRow ? 1 - labels[i] : labels[i];
        }
        var x = new FeatureMatrix(values, n, ["a", "b"]);
        TabularCandidate Reading(string name, int feature) => new(name, (_, _, t, _) => new FeatureReader(name, feature, t));
        TabularCandidate[] candidates = [Reading("light", 1), Reading("heavy", 0)];
        var options = new TabularAutoOptions(Folds: 3);

        var byRows = TabularAuto.Run(x, labels, TabularTask.Binary(), options, candidates);
        var byWeight = TabularAuto.Run(x with { ScoreWeights = weights }, labels, TabularTask.Binary(), options, candidates);

        Assert.Equal("light", byRows.Best);
        Assert.Equal(2.0 / 3, byRows.Scores[0].Mean, 2);
        Assert.Null(byRows.HeldOut!.Weights);
        Assert.Equal("heavy", byWeight.Best);
        Assert.Equal(500.0 / 700, byWeight.Scores[1].Mean, 2);
        Assert.Equal(n, byWeight.HeldOut!.Weights!.Length);
        Assert.Equal(weights.Sum(), byWeight.HeldOut.Weights.Sum());
    }

    // Answers a feature's value as the positive class's probability.
    private sealed class FeatureReader(string name, int feature, TabularTask task) : ITabularModel
    {
        public string Learner => name;
        public TabularTask Task => task;
        public ThresholdChoice? ThresholdChoice => null;
        public double[] Predict(FeatureMatrix rows) => [.. Enumerable.Range(0, rows.Rows).Select(r => (double)rows.Row(r)[feature])];
        public Lepton.Runtime.FeatureContributions Contributions(FeatureMatrix rows) => throw new NotSupportedException();
        public ITabularModel WithThreshold(ThresholdChoice choice) => throw new NotSupportedException();
        public void Save(string folder) => throw new NotSupportedException();
    }

    private sealed class SynchronousProgress(Action<TabularAutoProgress> report) : IProgress<TabularAutoProgress>
    {
        public void Report(TabularAutoProgress value) => report(value);
    }

    // Each row counts its weight (scikit-learn's sample_weight): accuracy of a yes/no task at its threshold, of a multiclass task by
    // its top class, and a regression loss's weighted mean.
    [Fact]
    public void Score_WithRowWeights_CountsEachRowItsWeight()
    {
        var binary = TabularTask.Binary();
        Assert.Equal(1.0 / 3, TabularAuto.Score(binary, [0.9, 0.2, 0.7], [1, 1, 0]), 12);
        Assert.Equal(3.0 / 6, TabularAuto.Score(binary, [0.9, 0.2, 0.7], [1, 1, 0], [3, 1, 2]), 12);
        Assert.Equal(1.0, TabularAuto.Score(TabularTask.Classification(["a", "b", "c"]), [0.1, 0.8, 0.1, 0.6, 0.3, 0.1], [1, 2], [1, 0]), 12);
        Assert.Equal(Math.Sqrt((1 * 1 + 3 * 4) / 4.0), TabularAuto.Score(TabularTask.Regression(), [0, 0], [1, 2], [1, 3]), 12);
        Assert.Throws<ArgumentException>(() => TabularAuto.Score(binary, [0.9, 0.2], [1, 1], [1]));
    }

    [Fact]
    public void Regression_PicksByLowestRmse()
    {
        var (x, y) = TableData.Regression(200);
        var candidates = new[]
        {
            TabularCandidate.Linear("ridge", LinearOptions.Ridge),
            TabularCandidate.Linear("heavy_ridge", LinearOptions.Ridge with { L2 = 100 }),
        };
        var result = TabularAuto.Run(x, y, TabularTask.Regression(), new TabularAutoOptions(Folds: 4), candidates);
        Assert.Equal("ridge", result.Best);
        Assert.True(result.Scores[0].Mean < result.Scores[1].Mean);
        Assert.Equal("rmse", result.Scores[0].Metric);
    }

    [Theory]
    [InlineData("squared", "ridge,gbdt,random_forest,mlp", "rmse")]
    [InlineData("poisson", "poisson_regression,gbdt,random_forest,mlp", "poisson_deviance")]
    [InlineData("tweedie=1.2", "tweedie_regression,gbdt,random_forest,mlp", "tweedie_deviance")]
    [InlineData("quantile=0.8", "quantile_regression,gbdt,random_forest,mlp", "pinball_loss")]
    [InlineData("absolute", "median_regression,gbdt,random_forest,mlp", "mae")]
    public void ARegressionLoss_PicksTheCandidatesThatFitIt_AndRanksByItsMetric(string loss, string names, string metric)
    {
        var task = TabularTask.Regression() with { Loss = RegressionLoss.Parse(loss) };
        var candidates = TabularCandidate.Defaults(task, numThreads: 2);
        Assert.Equal(names, string.Join(",", candidates.Select(c => c.Name)));
        var (x, y) = TableData.Counts(300);
        var result = TabularAuto.Run(x, y, task, new TabularAutoOptions(Folds: 3), [.. candidates.Take(2)]);
        Assert.All(result.Scores, s => Assert.Equal(metric, s.Metric));
        Assert.Equal(task.Loss, result.Model.Task.Loss);
        var best = result.Scores.MinBy(s => s.Mean)!;
        Assert.Equal(best.Name, result.Best);
    }

    [Fact]
    public void SpentBudget_SkipsLaterCandidates_ButTheFirstCompletes()
    {
        var (x, y) = TableData.Binary(120);
        var result = TabularAuto.Run(x, y, TabularTask.Binary(), new TabularAutoOptions(Folds: 3, Budget: TimeSpan.Zero, NumThreads: 2));
        Assert.True(result.Scores[0].Completed);
        Assert.Equal("logistic", result.Best);
        Assert.All(result.Scores.Skip(1), s => Assert.Equal("time budget spent", s.Skipped));
    }

    [Fact]
    public void ACandidateOverrunningTheBudget_IsStoppedAndRecorded_TheCompletedOneWins()
    {
        var (x, y) = TableData.Binary(120);
        var slow = new TabularCandidate("slow", (_, _, _, ct) =>
        {
            // Runs until the budget cancels it.
            ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            ct.ThrowIfCancellationRequested();
            throw new InvalidOperationException("the budget never stopped the slow candidate");
        });
        var candidates = new[] { TabularCandidate.Linear("logistic", LinearOptions.Logistic), slow };
        var result = TabularAuto.Run(x, y, TabularTask.Binary(), new TabularAutoOptions(Folds: 3, Budget: TimeSpan.FromSeconds(2)), candidates);
        Assert.Equal("logistic", result.Best);
        var stopped = result.Scores.Single(s => s.Name == "slow");
        Assert.Equal("stopped by the time budget", stopped.Skipped);
        Assert.False(stopped.Completed);
    }

    [Fact]
    public void MissingValues_LinearCandidatesAreRefusedWithTheReason_TreesRun()
    {
        var (x, y) = TableData.Binary(150);
        x.Values[5] = float.NaN;
        var result = TabularAuto.Run(x, y, TabularTask.Binary(), new TabularAutoOptions(Folds: 3, NumThreads: 2));
        Assert.Contains("missing values", result.Scores.Single(s => s.Name == "logistic").Skipped, StringComparison.Ordinal);
        Assert.Contains("missing values", result.Scores.Single(s => s.Name == "mlp").Skipped, StringComparison.Ordinal);
        Assert.True(result.Scores.Single(s => s.Name == "gbdt").Completed);
        Assert.Contains(result.Best, new[] { "gbdt", "random_forest" });
    }

    [Fact]
    public void GivenEncodings_EachCandidateFitsOnItsOwn_AndTheWinnersEncodingComesBack()
    {
        // The tree matrix keeps a gap as NaN; the linear one has it imputed: linear candidates now run instead of sitting out.
        var (linear, y) = TableData.Binary(150);
        var trees = new FeatureMatrix([.. linear.Values], linear.Rows, linear.FeatureNames);
        trees.Values[5] = float.NaN;
        var asked = new List<EncoderMode>();
        FeatureMatrix Features(EncoderMode mode)
        {
            asked.Add(mode);
            return mode == EncoderMode.Trees ? trees : linear;
        }
        var result = TabularAuto.Run(Features, y, TabularTask.Binary(), new TabularAutoOptions(Folds: 3, NumThreads: 2));
        Assert.All(result.Scores, s => Assert.True(s.Completed, $"{s.Name}: {s.Skipped}"));
        Assert.Equal([EncoderMode.Linear, EncoderMode.Trees], asked); // each built once, in the order the candidates need them
        Assert.Equal((EncoderMode.Linear, linear.Columns), result.Scores.Single(s => s.Name == "mlp").Input);
        Assert.Equal((EncoderMode.Trees, trees.Columns), result.Scores.Single(s => s.Name == "gbdt").Input);
        // The rule is linear, so a linear model (or the MLP) wins, on the linear matrix.
        Assert.Contains(result.Best, new[] { "logistic", "linear_svm", "mlp" });
        Assert.Equal(EncoderMode.Linear, result.Encoding);
    }

    [Fact]
    public void GivenEncodings_ASkippedCandidateNeverBuildsItsMatrix()
    {
        var (x, y) = TableData.Binary(120);
        var asked = new List<EncoderMode>();
        var candidates = TabularCandidate.Defaults(TabularTask.Binary(), numThreads: 2).Where(c => c.Name is "gbdt" or "logistic").Reverse().ToArray();
        var result = TabularAuto.Run(m => { asked.Add(m); return x; }, y, TabularTask.Binary(),
            new TabularAutoOptions(Folds: 3, Budget: TimeSpan.Zero), candidates);
        Assert.Equal("gbdt", result.Best);
        Assert.Equal("time budget spent", result.Scores.Single(s => s.Name == "logistic").Skipped);
        Assert.Equal([EncoderMode.Trees], asked);
    }

    [Fact]
    public void Folds_AreStratifiedAndSeeded()
    {
        var y = Enumerable.Range(0, 103).Select(i => (float)(i % 10 < 7 ? 0 : i % 10 < 9 ? 1 : 2)).ToArray();
        var task = TabularTask.Classification(["a", "b", "c"]);
        var folds = TableRows.Folds(y, task, 5, seed: 1);
        Assert.Equal(folds, TableRows.Folds(y, task, 5, seed: 1));
        Assert.NotEqual(folds, TableRows.Folds(y, task, 5, seed: 2));
        for (int c = 0; c < 3; c++)
        {
            var perFold = Enumerable.Range(0, 5).Select(k => Enumerable.Range(0, y.Length).Count(i => folds[i] == k && (int)y[i] == c)).ToArray();
            Assert.True(perFold.Max() - perFold.Min() <= 1, $"class {c}: [{string.Join(",", perFold)}]");
        }
    }

    [Fact]
    public void TimeOrderedRows_ValidationAndFoldsHoldOutOnlyLaterRows()
    {
        var y = Enumerable.Range(0, 50).Select(i => (float)(i % 2)).ToArray();
        var x = new FeatureMatrix(new float[50], 50, ["f"]) { TimeOrdered = true };
        var task = TabularTask.Binary();
        var (train, valid) = TableRows.Split(x, y, task, 0.2, seed: 3);
        Assert.Equal(Enumerable.Range(0, 40), train);
        Assert.Equal(Enumerable.Range(40, 10), valid);
        var folds = TableRows.CrossValidation(x, y, task, 4, seed: 3);
        Assert.Equal(4, folds.Count);
        for (int k = 0; k < 4; k++)
        {
            Assert.True(folds[k].Train.Max() < folds[k].Test.Min(), $"fold {k} tests on rows before its training rows");
            Assert.Equal(Enumerable.Range(0, folds[k].Test.Min()), folds[k].Train);
        }
        Assert.Equal(49, folds[^1].Test.Max());
        // The test blocks tile the later half: every fold trains on at least half the rows.
        Assert.Equal(25, folds[0].Train.Length);
        Assert.Equal(Enumerable.Range(25, 25), folds.SelectMany(f => f.Test));
        // A subset in row order stays in time order; a shuffled one does not.
        Assert.True(TableRows.Subset(x, [1, 5, 9]).TimeOrdered);
        Assert.False(TableRows.Subset(x, [5, 1]).TimeOrdered);
        // Without time order the folds partition the rows, each row tested once.
        var shuffled = TableRows.CrossValidation(x with { TimeOrdered = false }, y, task, 5, seed: 3);
        Assert.Equal(Enumerable.Range(0, 50), shuffled.SelectMany(f => f.Test).Order());
    }

    [Fact]
    public void GroupedRows_ValidationAndFoldsHoldOutWholeGroups()
    {
        // 60 rows of 12 customers, 1 to 9 rows each.
        var groups = Enumerable.Range(0, 12).SelectMany(g => Enumerable.Repeat(g, 1 + g * 7 % 9)).ToArray();
        int n = groups.Length;
        var y = Enumerable.Range(0, n).Select(i => (float)(i % 2)).ToArray();
        var x = new FeatureMatrix(new float[n], n, ["f"]) { Groups = groups };
        var task = TabularTask.Binary();
        var folds = TableRows.CrossValidation(x, y, task, 4, seed: 2);
        Assert.Equal(4, folds.Count);
        Assert.Equal(Enumerable.Range(0, n), folds.SelectMany(f => f.Test).Order());
        foreach (var (train, test) in folds)
            Assert.Empty(train.Select(r => groups[r]).Intersect(test.Select(r => groups[r])));
        // Near-equal folds: largest groups first, each to the lightest fold.
        Assert.True(folds.Max(f => f.Test.Length) - folds.Min(f => f.Test.Length) <= 9, string.Join(",", folds.Select(f => f.Test.Length)));
        var (fit, valid) = TableRows.Split(x, y, task, 0.2, seed: 2);
        Assert.Empty(fit.Select(r => groups[r]).Intersect(valid.Select(r => groups[r])));
        Assert.InRange(valid.Length, 6, 20);
        Assert.Equal(TableRows.Subset(x, [3, 10, 40]).Groups, [groups[3], groups[10], groups[40]]);
        // Fewer groups than folds: one fold per group.
        var three = new FeatureMatrix(new float[6], 6, ["f"]) { Groups = [0, 0, 1, 1, 2, 2] };
        Assert.Equal(3, TableRows.CrossValidation(three, new float[6], TabularTask.Regression(), 5, seed: 0).Count);
    }
}
