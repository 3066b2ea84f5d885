using Lepton.Data.Tables;
using Lepton.Factory.Loop;
using Lepton.NN.Serialization;
using Lepton.Registry;
using Lepton.Registry.Artifacts;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Registry.Store;
using Lepton.Serving.Logging;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// The loop on a table model: a gbdt champion trained on the churn CSV meets customers from a price range it never saw, where churn
/// follows another rule; the logged rows with their feedback labels become a table data set version with the base rows, a tree
/// challenger is trained, both are scored on the base test rows and the feedback holdout, and the challenger is promoted by the
/// shared gate. Too little feedback trains nothing.
/// </summary>
public sealed class TableClosedLoopTests : IAsyncLifetime
{
    private TempRegistry _temp = null!;

    private ModelRegistry _registry => _temp.Registry;

    private string _root => _temp.Root;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-loop-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    // Rows of the new market, logged as the server logs a table row, and labelled by clients with the model's class names.
    private async Task AddFeedbackAsync(int count, int seed, IReadOnlyList<string> classes)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-20);
        var rows = ChurnRow.Make(count, seed, newMarket: true, idOffset: seed * 10_000);
        var records = rows.Select((r, i) => new PredictionRecord($"t{seed}-{i:D4}", "churn", 1, at.AddSeconds(i), 1.0, classes[0], LoggedRow.StatisticsJson,
            $$"""{"label":"{{classes[0]}}","index":0,"version":"1","probabilities":[]}""", LoggedRow.Json(TableRowJson.Parse(r.Json())!))).ToList();
        await _registry.Store.AppendPredictionsAsync(records);
        for (int i = 0; i < count; i++)
            await _registry.Store.RecordFeedbackAsync(new FeedbackRecord(records[i].Id, "churn", classes[rows[i].Churn == "yes" ? 1 : 0], at.AddSeconds(i + 1), "client"));
    }

    private static LoopPolicy Policy() => new()
    {
        Model = "churn", MinFeedback = 60, FeedbackHoldoutFraction = 0.3, CanaryWindow = TimeSpan.Zero, Margin = 0.05, MinAccuracy = 0.6,
        MaxClassRecallDrop = 0.2, Seed = 1, ReportFolder = Path.Combine(AppContext.BaseDirectory, "loop-reports", Guid.NewGuid().ToString("N")),
    };

    [Fact]
    public async Task FeedbackRowsFromANewMarket_BecomeATableVersion_AndATreeChallengerIsPromoted()
    {
        var champion = await TableEndToEndTests.TrainChurnAsync(_registry, _root);
        var classes = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_root, "model", ModelFile.SpecFileName))).ClassNames;
        var loop = new ClosedLoop(_registry);

        await AddFeedbackAsync(30, seed: 7, classes);
        var skipped = await loop.RunOnceAsync(Policy(), "test", null, CancellationToken.None);
        Assert.Equal(LoopResult.Skipped, skipped.Result);
        Assert.Contains("usable labelled rows", skipped.Reason);

        await AddFeedbackAsync(170, seed: 8, classes);
        var outcome = await loop.RunOnceAsync(Policy(), "test", null, CancellationToken.None);
        Assert.True(outcome.Result == LoopResult.Promoted, $"{outcome.Result}: {outcome.Reason}");
        Assert.Equal("churn-feedback@1", outcome.Dataset!.DatasetRef);
        var evaluation = outcome.Evaluation!;
        Assert.True(evaluation.ChallengerHoldout!.Accuracy > evaluation.ChampionHoldout!.Accuracy + 0.2,
            $"champion {evaluation.ChampionHoldout.Accuracy:F3}, challenger {evaluation.ChallengerHoldout.Accuracy:F3} on the holdout");
        Assert.True(evaluation.ChallengerBaseTest.Accuracy >= evaluation.ChampionBaseTest.Accuracy - 0.1,
            $"base test: champion {evaluation.ChampionBaseTest.Accuracy:F3}, challenger {evaluation.ChallengerBaseTest.Accuracy:F3}");
        // The decision links to the comparison report on the loop's rows: base test headline, the feedback holdout as a slice.
        Assert.NotNull(evaluation.Report);
        string html = File.ReadAllText(evaluation.Report);
        Assert.Contains("McNemar", html);
        Assert.Contains("validation", html);

        var production = await _registry.ResolveAsync("churn@production");
        Assert.Equal(outcome.ChallengerVersion, production.Version!.Version);
        Assert.NotEqual(champion.Registered!.Version, production.Version.Version);
        Assert.True(File.Exists(Path.Combine(production.Folder, "encoders.json")));
        // The data set holds the base rows and every feedback row, the holdout as the validation split, and names its base.
        var data = await TableDatasets.LoadAsync(_registry.Store, _registry.Artifacts, DatasetReference.Parse(outcome.Dataset.DatasetRef));
        Assert.Equal(800 + 200, data.Table.RowCount);
        Assert.Equal(evaluation.ChallengerHoldout.Count, data.Splits!.RowsOf("validation").Length);
        Assert.Equal("customers@1", TableDatasets.SourceOf(data.Version));
    }

    [Fact]
    public async Task AChallengerThatSelectsAGroupFarLessOften_IsKept_WhenThePolicyNamesTheGroups()
    {
        await TableEndToEndTests.TrainChurnAsync(_registry, _root);
        var classes = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_root, "model", ModelFile.SpecFileName))).ClassNames;
        await AddFeedbackAsync(200, seed: 8, classes);
        // The same feedback promotes a challenger (the test above); judged by plan, it says "yes" to basic customers far more often.
        var policy = Policy() with { Groups = new GroupBounds("plan", MinSelectionRatio: 0.6, MaxOpportunityDifference: 0.9) };
        var outcome = await new ClosedLoop(_registry).RunOnceAsync(policy, "test", null, CancellationToken.None);
        Assert.True(outcome.Result == LoopResult.Kept, $"{outcome.Result}: {outcome.Reason}");
        Assert.Contains("by plan, selection ratio of 'yes' ", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("< minimum 0.600 (champion ", outcome.Reason, StringComparison.Ordinal);
        Assert.Contains("by plan, true-positive rates differ by ", outcome.Reason, StringComparison.Ordinal); // passed, listed among the passed checks
        var figures = outcome.Evaluation!.ChallengerGroups.Single();
        Assert.Equal(("plan", "yes", 3), (figures.Column, figures.Favorable, figures.JudgedGroups));
        Assert.InRange(figures.SelectionRatio!.Value, 0, 0.6);
        Assert.Single(outcome.Evaluation.ChampionGroups);
        Assert.Equal(1, (await _registry.ResolveAsync("churn@production")).Version!.Version);

        Assert.Throws<ArgumentException>(() => GroupBounds.Override(null, null, null, 0.8, null));
        Assert.Throws<ArgumentException>(() => (Policy() with { Groups = new GroupBounds("plan", MinSelectionRatio: 1.5) }).Validate());
        // A command line's bound goes over a recipe's, which keeps its columns.
        Assert.Equal(new GroupBounds("plan", "no", 0.9, 0.1), GroupBounds.Override(new GroupBounds("plan", "no", 0.8, 0.1), null, null, 0.9, null));
    }

    [Fact]
    public async Task TheChallenger_KeepsTheChampionsClassWeightsConstraintsExclusionsCalibrationIntervalsAndThresholdRule_ChosenAgainOnItsOwnFolds()
    {
        await TableEndToEndTests.TrainChurnAsync(_registry, _root, r => r with
        {
            ClassWeight = "balanced", Threshold = "f1", Monotone = "monthly=increasing", Additive = true, Exclude = "plan", Reweigh = "plan", Calibrate = "sigmoid",
            Intervals = 0.9, IntervalsPerClass = true,
        });
        var champion = ModelSpec.FromJson(File.ReadAllText(Path.Combine(_root, "model", ModelFile.SpecFileName)));
        Assert.Equal("balanced", champion.Metadata!["class_weight"]!.GetValue<string>());
        Assert.Equal(champion.Task.Threshold, champion.Metadata["decision_threshold"]!["threshold"]!.GetValue<double>(), 12);
        await AddFeedbackAsync(200, seed: 8, champion.ClassNames);

        var outcome = await new ClosedLoop(_registry).RunOnceAsync(Policy(), "test", null, CancellationToken.None);
        Assert.NotNull(outcome.ChallengerVersion);
        var challenger = await _registry.ResolveAsync($"churn@{outcome.ChallengerVersion}");
        var spec = ModelSpec.FromJson(File.ReadAllText(Path.Combine(challenger.Folder, ModelFile.SpecFileName)));
        Assert.Equal("balanced", spec.Metadata!["class_weight"]!.GetValue<string>());
        Assert.Equal("monthly=increasing", spec.Metadata["monotone"]!.GetValue<string>());
        Assert.True(spec.Metadata["additive"]!.GetValue<bool>());
        Assert.Equal("plan", spec.Metadata["reweigh"]!.GetValue<string>());
        // Calibrated again, on the new training rows' folds: the feedback held out to judge the two stays unseen.
        Assert.Equal("sigmoid", spec.Metadata["calibration"]!["method"]!.GetValue<string>());
        Assert.Contains("out-of-fold", spec.Metadata["calibration"]!["source"]!.GetValue<string>());
        Assert.True(File.Exists(Path.Combine(challenger.Folder, Runtime.Calibration.ProbabilityCalibration.FileName)));
        // Its prediction sets too, at the champion's level, on the same folds.
        var sets = Runtime.Conformal.ConformalIntervals.Load(challenger.Folder)!;
        Assert.Equal((0.9, "probability"), (sets.Level, sets.Score));
        Assert.Equal(2, sets.ClassQuantiles!.Count); // class by class, as the champion's
        Assert.Equal(spec.Metadata["calibration"]!["source"]!.GetValue<string>(), sets.Source);
        // The champion was kept from plan, and so is the challenger, though the feedback rows carry it.
        Assert.Equal(["age", "signup", "monthly"], Data.Tables.Encoding.EncoderSet.Load(Path.Combine(challenger.Folder, "encoders.json")).Columns);
        var modelText = File.ReadAllText(Path.Combine(challenger.Folder, "model.txt"));
        Assert.Contains("[monotone_constraints: ", modelText, StringComparison.Ordinal);
        Assert.StartsWith("[interaction_constraints: [0],[1,", System.Text.RegularExpressions.Regex.Match(modelText, "\\[interaction_constraints: [^\\n]*").Value, StringComparison.Ordinal);
        var threshold = spec.Metadata["decision_threshold"]!;
        Assert.Equal("f1", threshold["rule"]!.GetValue<string>());
        // Chosen on the new training rows' folds, not on the feedback the two models are judged on.
        Assert.Contains("out-of-fold", threshold["source"]!.GetValue<string>());
        Assert.Equal(spec.Task.Threshold, threshold["threshold"]!.GetValue<double>(), 12);
    }
}
