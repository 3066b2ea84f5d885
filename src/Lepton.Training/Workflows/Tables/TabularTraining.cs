using Lepton.NN.Tasks;
using System.Diagnostics;
using Lepton.Data.Tables;
using Lepton.NN.Serialization;
using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;
using Lepton.Registry.Datasets.Tables;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;
using Lepton.Training.Classic.Linear;
using Lepton.Training.Classic.Mlp;

namespace Lepton.Training.Workflows.Tables;

/// <summary>What a tabular run produced: the model, the learner chosen, its test metrics and (for auto) every candidate's scores.</summary>
public sealed record TabularOutcome(
    ITabularModel Model,
    string Learner,
    IReadOnlyDictionary<string, double> TestMetrics,
    IReadOnlyList<CandidateScore> Candidates,
    int TrainRows,
    int TestRows,
    TimeSpan Elapsed)
{
    /// <summary>The share of the training rows in the rarest class (classifiers only).</summary>
    public double? RarestClassShare { get; init; }

    /// <summary>
    /// A regressor trained on squared error whose training labels look like counts (<see cref="Lepton.Data.Tables.Inspection.CountLabelStats"/>):
    /// the share of them that are 0, for train's hint that <c>--loss poisson</c> fits counts; null otherwise.
    /// </summary>
    public double? CountLabelZeros { get; init; }

    /// <summary>
    /// With <c>--exclude</c>: the columns the model still reads that carry an excluded one (<c>proxy-column</c> findings on the training
    /// rows), through which it can learn what it was kept from; empty otherwise.
    /// </summary>
    public IReadOnlyList<Lepton.Data.Tables.Inspection.TableFinding> Proxies { get; init; } = [];

    /// <summary>How the model's conformal intervals or sets did on the test split (null without either), a classifier's class by class too.</summary>
    public Lepton.Runtime.Conformal.ConformalCoverage? TestCoverage { get; init; }
}

/// <summary>
/// Trains a tabular learner on a table data set version: column encoders and the label encoder fitted on the train split
/// only (trees get ordinal categories and NaN as it is; linear models and the MLP imputed, standardized, one-hot features; auto gives
/// each candidate its own encoding and keeps the winner's), the learner
/// fitted (LightGBM through its C API, or a linear model or an MLP on the engine, or the best of them by cross-validation), scored on
/// the test split, and written as a model folder with <c>encoders.json</c> beside the model so predictions replay the encoding, and
/// <c>reference.json</c> (per-column profile of the training rows, held-out prediction mix) that monitoring measures drift against.
/// </summary>
public static class TabularTraining
{
    /// <summary>The file in a tabular model folder that holds its fitted column encoders.</summary>
    public const string EncodersFile = "encoders.json";

    public static TabularOutcome Run(TableDatasetVersion data, TabularRecipe recipe, string outDir, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        var clock = Stopwatch.StartNew();
        data = recipe.WithExclusions(data);
        var encodings = new TableEncodings(data, recipe);
        recipe = recipe.WithColumnGroups(() => encodings[EncoderMode.Trees].Encoders);
        var first = encodings[TabularRecipe.EncoderModeOf(recipe.Model)];
        var task = recipe.TaskFor(first.Labels, $"{data.Version.Name}@{data.Version.Version}", data.Schema);
        // Every encoding keeps the same labelled rows in the same order, so one label vector serves them all.
        var (model, candidates, encoding, autoHeldOut) = Fit(recipe, mode => encodings[mode].Train.Features, first.Train.Labels, task, ct,
            mode => encodings[mode].Validation is { Labels.Length: > 0 } v ? (v.Features, v.Labels) : null);
        var set = encodings[encoding];
        var train = set.Train;
        model = TabularPostFit.Apply(model, recipe, set, autoHeldOut, ct);
        var metrics = new Dictionary<string, double>();
        var test = set.Test ?? set.Validation;
        Lepton.Runtime.Conformal.ConformalCoverage? testCoverage = null;
        if (test is { Labels.Length: > 0 }) testCoverage = AddScores(metrics, "test", model, test.Features, test.Labels);
        // A validation split of its own (not standing in for the test) is scored too: a search chooses on it, not on the test.
        if (set.Test is not null && set.Validation is { Labels.Length: > 0 } validation) AddScores(metrics, "validation", model, validation.Features, validation.Labels);
        Directory.CreateDirectory(outDir);
        RemoveModelMarkers(outDir);
        model.Save(outDir);
        RecordColumns(outDir, recipe);
        set.Encoders.Save(Path.Combine(outDir, EncodersFile));
        TabularReference.Build(data.Table, data.Splits, set, model, task, data.Schema.TimeColumn).Save(outDir);
        return new TabularOutcome(model, model.Learner, metrics, candidates, train.Labels.Length, test?.Labels.Length ?? 0, clock.Elapsed)
        {
            CountLabelZeros = task is { Kind: TaskKind.Regression, Loss.Kind: RegressionLossKind.Squared } ? Lepton.Data.Tables.Inspection.CountLabelStats.Of(train.Labels.Select(y => (double)y))?.ZeroShare : null,
            Proxies = ExcludedProxies(data, recipe.ExcludedColumns, set.Encoders.Columns),
            TestCoverage = testCoverage,
            RarestClassShare = task.IsClassification && train.Labels.Length > 0
                ? Enumerable.Range(0, task.ClassCount).Min(c => train.Labels.Count(y => (int)y == c)) / (double)train.Labels.Length : null,
        };
    }

    // The task metric as `{prefix}_accuracy`; a regressor's RMSE, MAE and its loss's own metric (`{prefix}_poisson_deviance`); for a
    // yes/no model also the positive class's precision, recall and F1 at its threshold (accuracy flatters a rare positive class).
    // Returns how the model's conformal answers did on these rows (null without them).
    private static Lepton.Runtime.Conformal.ConformalCoverage? AddScores(Dictionary<string, double> metrics, string prefix, ITabularModel model, FeatureMatrix x, float[] labels)
    {
        var task = model.Task;
        var predictions = model.Predict(x);
        var coverage = ConformalTabularModel.Layer<ConformalTabularModel>(model)?.Coverage(x, predictions, labels);
        foreach (var (name, value) in coverage?.Metrics() ?? []) metrics[$"{prefix}_{name}"] = value;
        if (!task.IsClassification)
        {
            foreach (var (name, value) in task.Loss.Metrics(predictions, labels)) metrics[$"{prefix}_{name}"] = value;
            // Rows of a weight column: the same metrics as the weights count them (what the learner minimized).
            if (x.ScoreWeights is { } rowWeights)
                foreach (var (name, value) in task.Loss.Metrics(predictions, labels, rowWeights)) metrics[$"{prefix}_weighted_{name}"] = value;
            return coverage;
        }
        metrics[$"{prefix}_accuracy"] = TabularAuto.Score(task, predictions, labels);
        if (x.ScoreWeights is { } weights) metrics[$"{prefix}_weighted_accuracy"] = TabularAuto.Score(task, predictions, labels, weights);
        if (ConformalTabularModel.Layer<CalibratedTabularModel>(model) is { } calibrated)
        {
            // Calibration's effect, on rows it was not fitted on: the same model's probabilities before and after.
            var before = calibrated.Inner.Predict(x);
            metrics[$"{prefix}_log_loss"] = Metrics.ProbabilityScores.LogLoss(task, predictions, labels);
            metrics[$"{prefix}_log_loss_uncalibrated"] = Metrics.ProbabilityScores.LogLoss(task, before, labels);
            metrics[$"{prefix}_brier"] = Metrics.ProbabilityScores.Brier(task, predictions, labels);
            metrics[$"{prefix}_brier_uncalibrated"] = Metrics.ProbabilityScores.Brier(task, before, labels);
        }
        if (task.Kind != TaskKind.Binary) return coverage;
        AddDecisionScores(metrics, prefix, model, predictions, labels, default);
        if (x.ScoreWeights is { } w) AddDecisionScores(metrics, $"{prefix}_weighted", model, predictions, labels, w);
        return coverage;
    }

    // A yes/no model's precision, recall and F1 of the positive class at its threshold, and a cost rule's own measure: the cost saved per
    // row against flagging nothing, in false alarms; each row counting its weight when given.
    private static void AddDecisionScores(Dictionary<string, double> metrics, string prefix, ITabularModel model, double[] predictions, float[] labels,
        ReadOnlySpan<float> weights)
    {
        double threshold = model.Task.Threshold;
        var (precision, recall) = DecisionThreshold.PrecisionRecallAt(predictions, labels, threshold, weights);
        metrics[$"{prefix}_precision"] = precision;
        metrics[$"{prefix}_recall"] = recall;
        metrics[$"{prefix}_f1"] = DecisionThreshold.F1(precision, recall);
        if (model.ThresholdChoice is { Source: not "given" } choice && DecisionThreshold.Parse(choice.Rule) is { Rule: "cost" } cost)
            metrics[$"{prefix}_savings"] = cost.ObjectiveAt(predictions, labels, threshold, weights);
    }

    // The proxy-column findings of the excluded columns among the columns the model reads, on the rows it trained on.
    private static IReadOnlyList<Lepton.Data.Tables.Inspection.TableFinding> ExcludedProxies(TableDatasetVersion data, IReadOnlyList<string> excluded,
        IReadOnlyList<string> features)
    {
        if (excluded.Count == 0) return [];
        var rows = data.Splits is { } s ? data.Table.Take(s.RowsOf(Lepton.Data.Images.Datasets.ImageSplits.Train)) : data.Table;
        var usable = excluded.Where(e => data.Table[e].Kind is not (Lepton.Data.Tables.Columns.ColumnKind.Identifier or Lepton.Data.Tables.Columns.ColumnKind.Text
            or Lepton.Data.Tables.Columns.ColumnKind.DateTime)).ToList();
        return [.. Lepton.Data.Tables.Inspection.TableInspector.Proxies(rows, data.Schema, usable).Where(f => features.Contains(f.Columns[0]))];
    }

    /// <summary>
    /// Adds the recipe's column settings to model.json's metadata: <c>excluded</c>, the columns kept out of the model, which the server
    /// keeps in its request log (and nowhere else) so monitoring can compare the model's answers across their groups; <c>reweigh</c>,
    /// the column the training rows were reweighed by, and <c>weight_column</c>, the column they were weighted by (kept in the request
    /// log too, so feedback rows carry it), which the loop's challenger keeps. The file is edited as JSON, so fields of
    /// every model kind survive; nothing is written without either.
    /// </summary>
    private static void RecordColumns(string folder, TabularRecipe recipe)
    {
        if (recipe.ExcludedColumns.Count == 0 && recipe.Reweigh is null && recipe.WeightColumn is null) return;
        ModelFile.EditMetadata(folder, metadata =>
        {
            if (recipe.WeightColumn is { } weight) metadata["weight_column"] = weight;
            if (recipe.ExcludedColumns.Count > 0) metadata["excluded"] = new System.Text.Json.Nodes.JsonArray([.. recipe.ExcludedColumns.Select(c => (System.Text.Json.Nodes.JsonNode)c)]);
            if (recipe.Reweigh is { } reweigh) metadata["reweigh"] = reweigh;
        });
    }

    /// <summary>
    /// Deletes the marker file of every known model kind from <paramref name="folder"/> before a model is saved there: when the
    /// learner changes between runs (auto chose trees, then a linear model), the earlier model's marker would otherwise stay and
    /// leave a folder of two kinds that no predictor can load. An earlier run's calibration and intervals (with their quantile models) go too, so they never apply to a new model.
    /// </summary>
    private static void RemoveModelMarkers(string folder)
    {
        foreach (var kind in Lepton.Runtime.PredictorLoader.Default.Kinds)
            File.Delete(Path.Combine(folder, kind.MarkerFile));
        File.Delete(Path.Combine(folder, Lepton.Runtime.Ensembles.EnsembleFile.FileName));
        File.Delete(Path.Combine(folder, Lepton.Runtime.Calibration.ProbabilityCalibration.FileName));
        File.Delete(Path.Combine(folder, Lepton.Runtime.Conformal.ConformalIntervals.FileName));
        foreach (var band in new[] { Lepton.Runtime.Conformal.ConformalIntervals.BandFolders.Lower, Lepton.Runtime.Conformal.ConformalIntervals.BandFolders.Upper })
            if (Directory.Exists(Path.Combine(folder, band))) Directory.Delete(Path.Combine(folder, band), recursive: true);
    }

    /// <summary>
    /// The recipe's learner fitted on the features of its encoding (for auto: the best candidate by cross-validation, each
    /// candidate on its own encoding, with every candidate's score), and the encoding the model was fitted on; gbdt and the MLP
    /// stop early on <paramref name="validation"/>'s rows when given (the data set's validation split); for auto, also its winner's
    /// out-of-fold predictions.
    /// </summary>
    internal static (ITabularModel Model, IReadOnlyList<CandidateScore> Candidates, EncoderMode Encoding, HeldOutPredictions? AutoHeldOut) Fit(TabularRecipe recipe,
        Func<EncoderMode, FeatureMatrix> features, float[] labels, TabularTask task, CancellationToken ct,
        Func<EncoderMode, (FeatureMatrix X, float[] Labels)?>? validation = null)
    {
        var mode = TabularRecipe.EncoderModeOf(recipe.Model);
        var weights = recipe.ClassWeights;
        var monotone = recipe.MonotoneConstraints;
        switch (recipe.Model)
        {
            case "gbdt":
                // The data set's own validation split, when it has one, is where gbdt (and the MLP) stop early.
                return (GradientBoostingLearner.Fit(features(mode), labels, task,
                    (recipe.Trees ?? GradientBoostingOptions.Default) with { Seed = recipe.Seed, NumThreads = recipe.Threads, ClassWeights = weights, Monotone = monotone, InteractionGroups = recipe.InteractionGroups }, ct,
                    validation?.Invoke(mode)), [], mode, null);
            case "random-forest":
                return (GradientBoostingLearner.Fit(features(mode), labels, task,
                    (recipe.Trees ?? GradientBoostingOptions.RandomForest) with { Seed = recipe.Seed, NumThreads = recipe.Threads, ClassWeights = weights, Monotone = monotone, InteractionGroups = recipe.InteractionGroups }, ct), [], mode, null);
            case "logistic" or "linear":
                return (LinearLearner.Fit(features(mode), labels, task, new LinearOptions { ClassWeights = weights, Monotone = monotone }, ct), [], mode, null);
            case "linear-svm":
                return (LinearLearner.Fit(features(mode), labels, task, LinearOptions.Svm with { ClassWeights = weights, Monotone = monotone }, ct), [], mode, null);
            case "mlp":
                return (TabularMlp.Fit(features(mode), labels, task, (recipe.Mlp ?? new TabularMlpOptions()) with { Seed = recipe.Seed, ClassWeights = weights }, ct,
                    validation?.Invoke(mode)), [], mode, null);
            default:
                var auto = TabularAuto.Run(features, labels, task,
                    new TabularAutoOptions(Seed: recipe.Seed, Budget: recipe.Budget, NumThreads: recipe.Threads, Progress: recipe.Progress) { Threshold = recipe.ThresholdRule },
                    TabularCandidate.Defaults(task, recipe.Seed, recipe.Threads, weights, monotone, recipe.InteractionGroups), ct);
                return (auto.Model, auto.Scores, auto.Encoding, auto.HeldOut);
        }
    }
}
