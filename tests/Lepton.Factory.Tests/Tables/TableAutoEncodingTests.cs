using Lepton.Data.Tables.Encoding;
using Lepton.Registry;
using Lepton.Registry.Datasets.Tables;
using Lepton.Registry.References;
using Lepton.Runtime;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Factory.Tests.Tables;

/// <summary>
/// <c>auto</c> on a table with gaps and categories: every candidate competes on its own encoding (the linear ones imputed and
/// one-hot instead of sitting out), and the folder stores the winner's encoders, which replay its test score exactly.
/// </summary>
public sealed class TableAutoEncodingTests : IAsyncLifetime
{
    private TempRegistry _temp = null!;

    private ModelRegistry Registry => _temp.Registry;

    public async Task InitializeAsync() => _temp = await TempRegistry.CreateAsync("lepton-table-auto-");

    public async Task DisposeAsync() => await _temp.DisposeAsync();

    private Task<string> ImportChurnAsync() => ChurnRow.ImportSplitAsync(Registry, _temp.Root, 400, seed: 3);

    [Fact]
    public async Task Auto_EveryCandidateRuns_AndTheFolderReplaysTheWinnersEncoding()
    {
        string data = await ImportChurnAsync();
        string folder = Path.Combine(_temp.Root, "model");
        var trained = await TrackedTabularTraining.RunAsync(new TabularRecipe(data, "auto", Seed: 1, Threads: 1), folder, Registry, null, "test");
        var outcome = trained.Outcome;

        // Ages are missing in about 10% of rows: on the tree encoding alone the linear candidates and the MLP would be refused.
        Assert.Equal(["logistic", "gbdt", "random_forest", "linear_svm", "mlp"], outcome.Candidates.Select(c => c.Name));
        Assert.All(outcome.Candidates, c => Assert.True(c.Completed, $"{c.Name}: {c.Skipped}"));

        var encoders = EncoderSet.Load(Path.Combine(folder, TabularTraining.EncodersFile));
        Assert.Equal(outcome.Learner is "gbdt" or "random_forest" ? EncoderMode.Trees : EncoderMode.Linear, encoders.Mode);
        var table = await TableDatasets.LoadAsync(Registry.Store, Registry.Artifacts, DatasetReference.Parse(data));
        var test = table.Table.Take(table.Splits!.RowsOf("test"));
        var labels = LabelEncoder.Fit(table.Table.Take(table.Splits.RowsOf("train")), table.Schema).Encode(test);
        double replayed = TabularAuto.Score(outcome.Model.Task, outcome.Model.Predict(encoders.Transform(test)), labels);
        Assert.Equal(outcome.TestMetrics["test_accuracy"], replayed, 12);
        Assert.True(replayed > 0.8, $"test accuracy {replayed}");
    }

    [Fact]
    public async Task Auto_CalibratesItsWinner_OnTheOutOfFoldPredictionsItRankedBy_AndCrossValidationCalibratesInsideEachFold()
    {
        string data = await ImportChurnAsync();
        string folder = Path.Combine(_temp.Root, "calibrated");
        var recipe = new TabularRecipe(data, "auto", Seed: 1, Threads: 1, ClassWeight: "balanced", Threshold: "f1") { Calibrate = "sigmoid" };
        var outcome = (await TrackedTabularTraining.RunAsync(recipe, folder, Registry, null, "test")).Outcome;
        var model = Assert.IsType<Training.Classic.CalibratedTabularModel>(outcome.Model);
        // auto's own folds: no more fits of the winner after the search.
        Assert.StartsWith($"{outcome.Learner}'s out-of-fold predictions (5 folds", model.Calibration.Source);
        Assert.Equal(outcome.TrainRows, model.Calibration.Rows);
        Assert.Equal(model.Calibration.Source, model.ThresholdChoice!.Source);
        Assert.True(outcome.TestMetrics["test_log_loss"] < outcome.TestMetrics["test_log_loss_uncalibrated"], string.Join(", ", outcome.TestMetrics));
        // The served folder answers what the trained model predicts.
        var encoders = EncoderSet.Load(Path.Combine(folder, TabularTraining.EncodersFile));
        var table = await TableDatasets.LoadAsync(Registry.Store, Registry.Artifacts, DatasetReference.Parse(data));
        var test = encoders.Transform(table.Table.Take(table.Splits!.RowsOf("test")));
        using var predictor = PredictorLoader.Default.Load(folder);
        var logits = predictor.Predict(Engine.Tensor.FromArray(test.Values.ToArray(), test.Rows, test.Columns))[0].ToArray<float>();
        var trained = model.Predict(test);
        for (int i = 0; i < test.Rows; i++) Assert.Equal(trained[i], 1 / (1 + Math.Exp(-logits[i])), 5);

        var cv = Training.Workflows.CrossValidation.TableCrossValidation.Run(await TableDatasets.LoadAsync(Registry.Store, Registry.Artifacts, DatasetReference.Parse(data)),
            recipe with { Model = "logistic" }, 3);
        Assert.Equal(3, cv.Folds);
    }

    [Fact]
    public async Task RetrainingIntoTheSameFolder_WithAnotherKindOfLearner_LeavesOneLoadableModel()
    {
        string data = await ImportChurnAsync();
        string folder = Path.Combine(_temp.Root, "model");
        await TrackedTabularTraining.RunAsync(new TabularRecipe(data, "gbdt", Seed: 1, Threads: 1), folder, Registry, null, "test");
        Assert.Equal("lightgbm", PredictorLoader.Default.KindOf(folder).Name);
        var linear = await TrackedTabularTraining.RunAsync(new TabularRecipe(data, "logistic", Seed: 1), folder, Registry, "churn", "test");
        // The booster's model.txt is gone: the folder (and the version registered from it) is one Lepton network.
        Assert.False(File.Exists(Path.Combine(folder, "model.txt")));
        Assert.Equal("lepton", PredictorLoader.Default.KindOf(folder).Name);
        Assert.Equal("lepton", PredictorLoader.Default.KindOf((await Registry.ResolveAsync("churn@1")).Folder).Name);
        Assert.Equal(EncoderMode.Linear, EncoderSet.Load(Path.Combine(folder, TabularTraining.EncodersFile)).Mode);
        Assert.Equal("logistic", linear.Outcome.Learner);
    }
}
