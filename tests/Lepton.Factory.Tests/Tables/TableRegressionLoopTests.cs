using System.Globalization;
using Lepton.Data.Tables;
using Lepton.Factory.Loop;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Serving.Logging;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// The loop on a table regressor: a gbdt champion learned prices of homes of 20 to 100 m² (a tree predicts no further than the
/// largest it saw); a new market sells homes of 110 to 200 m². The logged rows with their true prices (numbers) become a table data set version with the base rows, a
/// tree challenger is trained with the champion's loss, both are scored by that loss's metric (RMSE for squared error) on the base
/// test rows and the feedback holdout, and the gate promotes it.
/// </summary>
public sealed class TableRegressionLoopTests : IAsyncLifetime
{
    private static readonly string[] Districts = ["north", "south", "east"];

    private TempRegistry _temp = null!;

    private ModelRegistry Registry => _temp.Registry;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-regression-loop-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private static IEnumerable<(double Size, string District, double Price)> Rows(int count, int seed, double minSize, double maxSize)
    {
        var rng = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            double size = Math.Round(minSize + rng.NextDouble() * (maxSize - minSize), 1);
            int d = rng.Next(3);
            yield return (size, Districts[d], Math.Round(3 * size + 25 * d + (rng.NextDouble() - 0.5) * 6, 2));
        }
    }

    [Theory]
    [InlineData(null, "feedback holdout RMSE")]
    [InlineData("gamma", "feedback holdout gamma deviance")]
    [InlineData("quantile=0.8", "feedback holdout pinball loss (q = 0.8)")]
    [InlineData(null, "feedback holdout RMSE", "quantiles")]
    [InlineData(null, "feedback holdout RMSE", null, true)]
    public async Task LargerHomesOfANewMarket_TrainAChallengerThatIsPromotedOnALowerHoldoutError(string? loss, string judged, string? intervalsMethod = null,
        bool weighted = false)
    {
        string csv = Path.Combine(_temp.Root, "prices.csv");
        // Weighted: each sale counts 0.5, 1 or 1.5 (the feedback rows carry no weight, and count once).
        await File.WriteAllLinesAsync(csv, [weighted ? "size,district,weight,price" : "size,district,price",
            .. Rows(600, 1, 20, 100).Select((r, i) => string.Create(CultureInfo.InvariantCulture, $"{r.Size},{r.District},{(weighted ? $"{0.5 + i % 3 * 0.5}," : "")}{r.Price}"))]);
        var import = await TableDatasets.ImportAsync(Registry.Store, Registry.Artifacts, csv, "prices", new TableImportOptions("price", Data.Tables.Schema.TableTask.Regression), "test");
        var champion = await TrackedTabularTraining.RunAsync(new TabularRecipe($"prices@{import.Version.Version}", "gbdt", Seed: 1, Threads: 1)
            {
                Loss = loss, Intervals = intervalsMethod is null ? null : 0.9, IntervalsMethod = intervalsMethod, WeightColumn = weighted ? "weight" : null,
            },
            Path.Combine(_temp.Root, "model"), Registry, "prices", "test");
        await Registry.PromoteAsync("prices", champion.Registered!.Version, "production", "test");

        var at = DateTimeOffset.UtcNow.AddMinutes(-20);
        var market = Rows(200, 2, 110, 200).ToList();
        var records = market.Select((r, i) => new PredictionRecord($"p{i:D4}", "prices", 1, at.AddSeconds(i), 1.0, "100", LoggedRow.StatisticsJson,
            """{"value":100}""", LoggedRow.Json(new Dictionary<string, object?> { ["size"] = r.Size, ["district"] = r.District }))).ToList();
        await Registry.Store.AppendPredictionsAsync(records);
        for (int i = 0; i < market.Count; i++)
            await Registry.Store.RecordFeedbackAsync(new FeedbackRecord(records[i].Id, "prices", market[i].Price.ToString("R", CultureInfo.InvariantCulture), at.AddSeconds(i + 1), "client"));
        // A label that is not a number is left out, not a crash.
        await Registry.Store.AppendPredictionsAsync([records[0] with { Id = "bad" }]);
        await Registry.Store.RecordFeedbackAsync(new FeedbackRecord("bad", "prices", "expensive", at.AddSeconds(500), "client"));

        // Trained over a wider range, the challenger's bins are coarser on the old homes: a base-test RMSE up to twice the
        // champion's (about 1.5, the noise) is allowed here; a deviance grows as a squared relative error does, past that bound,
        // so the gamma run checks the holdout alone. The gate's own test holds the default 2% rise. Weighted, the base test counts the
        // sales of weight 1.5 most, where the coarser bins cost the challenger a little more (a 2.07x rise on these rows): the holdout alone.
        var policy = new LoopPolicy
        {
            Model = "prices", MinFeedback = 60, FeedbackHoldoutFraction = 0.3, CanaryWindow = TimeSpan.Zero, Margin = 0.2, MaxClassRecallDrop = 1.0, Seed = 1,
            RecallCheckSets = loss == "gamma" || weighted ? RecallCheckSets.FeedbackHoldout : RecallCheckSets.Both,
            ReportFolder = Path.Combine(_temp.Root, "loop-reports"),
        };
        var outcome = await new ClosedLoop(Registry).RunOnceAsync(policy, "test", null, CancellationToken.None);
        Assert.True(outcome.Result == LoopResult.Promoted, $"{outcome.Result}: {outcome.Reason}");
        var e = outcome.Evaluation!;
        Assert.True(e.ChampionBaseTest.IsRegression);
        Assert.True(e.ChallengerHoldout!.Rmse < e.ChampionHoldout!.Rmse / 3, $"holdout RMSE: champion {e.ChampionHoldout.Rmse:F1}, challenger {e.ChallengerHoldout.Rmse:F1}");
        Assert.True(e.ChampionHoldout.Rmse > 40, $"the champion misses the new market's larger homes: RMSE {e.ChampionHoldout.Rmse:F1}");
        // The base rows and the 200 numeric feedback rows (not the one labelled "expensive"), the holdout as validation.
        var data = await TableDatasets.LoadAsync(Registry.Store, Registry.Artifacts, DatasetReference.Parse(outcome.Dataset!.DatasetRef));
        Assert.Equal(600 + 200, data.Table.RowCount);
        Assert.Equal(e.ChallengerHoldout.Count, data.Splits!.RowsOf("validation").Length);
        // Judged by the loss the champion was trained with, which the challenger keeps.
        Assert.Contains(judged, outcome.Gate!.Reason);
        var challengerFolder = (await Registry.ResolveAsync($"prices@{outcome.ChallengerVersion}")).Folder;
        Assert.Equal(loss, Lepton.NN.Serialization.ModelSpec.FromJson(File.ReadAllText(Path.Combine(challengerFolder, "model.json"))).Task.Loss);
        if (loss is not null) Assert.NotNull(e.ChallengerHoldout.LossValue);
        if (weighted)
        {
            Assert.Equal("weight", Lepton.NN.Serialization.ModelSpec.FromJson(File.ReadAllText(Path.Combine(challengerFolder, "model.json"))).Metadata!["weight_column"]!.GetValue<string>());
            // Both sides judged as the champion's loss counted the rows: each sale its weight (the feedback rows, without one, once).
            Assert.Equal(("weight", "weight"), (e.ChampionBaseTest.WeightColumn, e.ChallengerHoldout.WeightColumn));
            using var predictor = Lepton.Runtime.PredictorLoader.Default.Load(Path.Combine(_temp.Root, "model"));
            var encoder = Lepton.Runtime.Tables.TableInputEncoder.TryLoad(Path.Combine(_temp.Root, "model"), predictor.Signature)!;
            var sales = Rows(40, 7, 20, 100).Select((r, i) => ((IReadOnlyDictionary<string, object?>)new Dictionary<string, object?>
                { ["size"] = r.Size, ["district"] = r.District, ["weight"] = 0.5 + i % 3 * 0.5 }, r.Price.ToString("R", CultureInfo.InvariantCulture))).ToList();
            double squared = sales.Sum(s => (double)s.Item1["weight"]! * Math.Pow(Lepton.Factory.Loop.Tables.TableEvaluation.ScoreSet(predictor, encoder, [s]).Rmse!.Value, 2));
            double expected = Math.Sqrt(squared / sales.Sum(s => (double)s.Item1["weight"]!));
            Assert.Equal(expected, Lepton.Factory.Loop.Tables.TableEvaluation.ScoreSet(predictor, encoder, sales, "weight").Rmse!.Value, 9);
            Assert.NotEqual(expected, Lepton.Factory.Loop.Tables.TableEvaluation.ScoreSet(predictor, encoder, sales).Rmse!.Value, 6);
        }
        if (intervalsMethod is not null)
        {
            // The challenger's intervals are made as the champion's: two quantile models, on its own folds.
            var intervals = Lepton.Runtime.Conformal.ConformalIntervals.Load(challengerFolder)!;
            Assert.Equal(("quantiles", 0.9), (intervals.Score, intervals.Level));
            Assert.Contains("out-of-fold", intervals.Source);
            Assert.True(File.Exists(Path.Combine(challengerFolder, Lepton.Runtime.Conformal.ConformalIntervals.BandFolders.Upper, "model.txt")));
        }
        // The decision links to the paired comparison of the two on the feedback holdout.
        Assert.NotNull(e.Report);
        string html = File.ReadAllText(e.Report);
        Assert.Contains("feedback holdout", html);
        Assert.Contains("Where they disagree most", html);
        Assert.Equal(outcome.ChallengerVersion, (await Registry.ResolveAsync("prices@production")).Version!.Version);
    }
}
