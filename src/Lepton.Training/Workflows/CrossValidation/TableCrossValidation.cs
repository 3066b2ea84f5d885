using Lepton.Data.Tables.Encoding;
using Lepton.Data.Tables.Schema;
using Lepton.Registry.Datasets.Tables;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Metrics;
using Lepton.Training.Workflows.Tables;

namespace Lepton.Training.Workflows.CrossValidation;

/// <summary>
/// K-fold cross-validation of a tabular recipe on a table version's training split: the column encoders are fitted on the
/// whole training split once (as training fits them), the rows dealt into folds stratified by class (<see cref="TableRows.Folds"/>,
/// the recipe's seed; forward in time when the table has a time column, <see cref="TableRows.CrossValidation"/>), and the recipe's learner fitted on the other folds and scored on each fold: accuracy and macro F1 for
/// classification, RMSE for regression. <c>auto</c> runs its own inner cross-validation inside every fold (nested), so the
/// spread is honest about the choice of learner too.
/// </summary>
public static class TableCrossValidation
{
    public static CrossValidationResult Run(TableDatasetVersion data, TabularRecipe recipe, int folds, Action<int>? onFoldStart = null,
        Action<FoldOutcome>? onFold = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(recipe);
        recipe.Validate();
        data = recipe.WithExclusions(data);
        var encodings = new TableEncodings(data, recipe);
        recipe = recipe.WithColumnGroups(() => encodings[Lepton.Data.Tables.Encoding.EncoderMode.Trees].Encoders);
        var set = encodings[TabularRecipe.EncoderModeOf(recipe.Model)];
        var task = recipe.TaskFor(set.Labels, $"{data.Version.Name}@{data.Version.Version}", data.Schema);
        var train = set.Train;
        if (train.Labels.Length < folds)
            throw new ArgumentException($"{train.Labels.Length} training rows cannot fill {folds} folds; use fewer folds.");
        var assignment = TableRows.CrossValidation(train.Features, train.Labels, task, folds, recipe.Seed);
        folds = assignment.Count; // fewer when the table has fewer groups than folds
        var outcomes = new List<FoldOutcome>();
        for (int fold = 0; fold < folds && !ct.IsCancellationRequested; fold++)
        {
            onFoldStart?.Invoke(fold);
            var (trainRows, heldRows) = assignment[fold];
            var (model, _, encoding, autoHeldOut) = TabularTraining.Fit(recipe, mode => TableRows.Subset(encodings[mode].Train.Features, trainRows),
                TableRows.Subset(train.Labels, trainRows), task, ct);
            // A calibration and a threshold rule are set inside the fold, on out-of-fold predictions of its own training rows (nested),
            // so the held-out fold judges the whole procedure; auto's winner brings its own.
            var foldTrain = new EncodedSplit(TableRows.Subset(encodings[encoding].Train.Features, trainRows), TableRows.Subset(train.Labels, trainRows), []);
            model = TabularPostFit.Apply(model, recipe, foldTrain, autoHeldOut, ct);
            var labels = TableRows.Subset(train.Labels, heldRows);
            var predictions = model.Predict(TableRows.Subset(encodings[encoding].Train.Features, heldRows));
            var outcome = new FoldOutcome(fold, trainRows.Length, heldRows.Length, Metrics(model.Task, predictions, labels));
            outcomes.Add(outcome);
            onFold?.Invoke(outcome);
        }
        return new CrossValidationResult(folds, (ulong)recipe.Seed, outcomes) { Cancelled = outcomes.Count < folds };
    }

    // predictions: (N) probabilities for binary, (N,K) for multiclass, (N) values for regression, as ITabularModel.Predict gives them;
    // a yes/no model decides at its threshold and adds the positive class's precision, recall and F1.
    private static Dictionary<string, double> Metrics(TabularTask task, double[] predictions, float[] labels)
    {
        if (!task.IsClassification) return task.Loss.Metrics(predictions, labels);
        int n = labels.Length, k = task.Kind == NN.Serialization.TaskKind.Binary ? 2 : task.ClassCount;
        var predicted = new int[n];
        var actual = new int[n];
        for (int i = 0; i < n; i++)
        {
            actual[i] = (int)labels[i];
            if (task.Kind == NN.Serialization.TaskKind.Binary) predicted[i] = predictions[i] >= task.Threshold ? 1 : 0;
            else
            {
                var row = predictions.AsSpan(i * k, k);
                for (int c = 1; c < k; c++) if (row[c] > row[predicted[i]]) predicted[i] = c;
            }
        }
        var report = ClassificationReport.FromPredictions(predicted, actual, classCount: k);
        var metrics = new Dictionary<string, double> { ["accuracy"] = report.Accuracy, ["macro_f1"] = report.MacroAverage.F1 };
        if (task.Kind == NN.Serialization.TaskKind.Binary)
        {
            var positive = report.Classes[1];
            (metrics["precision"], metrics["recall"], metrics["f1"]) = (positive.Precision, positive.Recall, positive.F1);
        }
        return metrics;
    }
}
