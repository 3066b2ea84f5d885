using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.Runtime.LightGbm;

namespace Lepton.Training.Classic.LightGbm;

/// <summary>
/// Gradient-boosted trees or a random forest with LightGBM's native library: binary, multiclass and regression, NaN as missing,
/// categorical features split natively, early stopping on a seeded, stratified validation split (the latest rows of a matrix in time order).
/// </summary>
public static class GradientBoostingLearner
{
    /// <summary>
    /// Trains on <paramref name="x"/> with <paramref name="labels"/> (class indices or targets). With early stopping, a share of
    /// the rows is held out to choose the iteration count (the best validation metric); the model is then refitted on every row
    /// for that many iterations, scaled by the rows added (<see cref="GradientBoostingOptions.RefitOnAllRows"/>), or kept as
    /// trained. Without, every row trains <see cref="GradientBoostingOptions.Iterations"/> iterations.
    /// </summary>
    /// <remarks>
    /// With <paramref name="validation"/> (the data set's own validation split, encoded alike), early stopping watches those rows
    /// instead of a share held out of <paramref name="x"/>, and the model keeps the trees grown on <paramref name="x"/> alone: the
    /// validation rows stay unseen, so the score reported on them stays honest.
    /// </remarks>
    public static GradientBoostingModel Fit(FeatureMatrix x, float[] labels, TabularTask task, GradientBoostingOptions? options = null,
        CancellationToken ct = default, (FeatureMatrix X, float[] Labels)? validation = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(task);
        var o = options ?? GradientBoostingOptions.Default;
        o.Validate();
        task.CheckLabels(labels, x.Rows);
        if (x.Rows < 2) throw new ArgumentException($"LightGBM needs at least 2 rows to train, got {x.Rows}.", nameof(x));
        var parameters = LightGbmParameters.Build(task, o, x.CategoricalFeatures, (long)x.Rows * x.Columns, x.FeatureNames);
        string text = LightGbmParameters.Text(parameters);
        // Per-class weights from every training row, so a held-out share and the refit weigh a class alike.
        var classWeights = o.ClassWeights.ClassWeights(labels, task);
        // A row weighs its class's weight times its own (reweighing by a column's groups); none: every row alike.
        float[] Weights(FeatureMatrix m, float[] y) => Reweighing.Combine(classWeights is null ? null : ClassWeighting.RowWeights(y, classWeights), m.Weights) ?? [];

        var curve = new List<double>();
        int best = 0, trainRows = x.Rows, validationRows = 0;
        string? validationSource = null;
        string modelText;
        int iterations;
        if (o.EarlyStoppingRounds > 0)
        {
            FeatureMatrix trainX, validX;
            float[] trainY, validY;
            bool external = validation is { Labels.Length: > 0 };
            if (validation is { } given && external)
            {
                task.CheckLabels(given.Labels, given.X.Rows);
                (trainX, trainY, validX, validY) = (x, labels, given.X, given.Labels);
            }
            else
            {
                var (train, valid) = TableRows.Split(x, labels, task, o.ValidationFraction, o.Seed);
                if (valid.Length == 0 || train.Length == 0)
                    throw new ArgumentException($"{x.Rows} rows are too few to hold out a validation share of {o.ValidationFraction}; set EarlyStoppingRounds = 0.", nameof(x));
                (trainX, trainY, validX, validY) = (TableRows.Subset(x, train), TableRows.Subset(labels, train), TableRows.Subset(x, valid), TableRows.Subset(labels, valid));
            }
            using var trainSet = LightGbmDataset.Create(trainX, trainY, text, weights: Weights(trainX, trainY));
            using var validSet = LightGbmDataset.Create(validX, validY, text, reference: trainSet, weights: Weights(validX, validY));
            using var booster = LightGbmBooster.Create(trainSet, text);
            booster.AddValidation(validSet);
            double bestScore = double.PositiveInfinity;
            for (int iteration = 1; iteration <= o.Iterations; iteration++)
            {
                ct.ThrowIfCancellationRequested();
                bool finished = booster.UpdateOneIteration();
                double score = booster.Evaluate(1)[0];
                curve.Add(score);
                if (score < bestScore) (bestScore, best) = (score, iteration);
                else if (iteration - best >= o.EarlyStoppingRounds) break;
                // No tree could split: more iterations would add nothing.
                if (finished) break;
            }
            best = Math.Max(best, 1);
            curve.RemoveRange(best, curve.Count - best);
            validationRows = validX.Rows;
            if (o.RefitOnAllRows && !external)
            {
                // More rows support proportionally more iterations at the same learning rate.
                int refit = Math.Max(1, (int)Math.Round(best * (double)x.Rows / trainX.Rows));
                (modelText, iterations) = Grow(x, labels, Weights(x, labels), text, refit, ct);
            }
            else
            {
                (modelText, iterations, trainRows) = (booster.SaveToString(best), best, trainX.Rows);
            }
            validationSource = external ? "validation split"
                : x.TimeOrdered ? "the latest training rows" : x.Groups is not null ? "whole groups held out of the training rows" : "held out of the training rows";
        }
        else
        {
            (modelText, iterations) = Grow(x, labels, Weights(x, labels), text, o.Iterations, ct);
        }

        var metadata = new JsonObject
        {
            ["learner"] = o.Mode == BoostingMode.RandomForest ? "random_forest" : "gbdt",
            ["iterations"] = iterations,
            ["best_validation_iteration"] = best,
            ["early_stopping_rounds"] = o.EarlyStoppingRounds,
            ["validation_fraction"] = validationSource is null or "validation split" ? 0 : o.ValidationFraction,
            ["validation_rows"] = validationRows,
            ["validation_source"] = validationSource,
            ["train_rows"] = trainRows,
            ["class_weight"] = o.ClassWeights.ToString(),
            ["monotone"] = o.Monotone.ToString(),
            ["additive"] = o.InteractionGroups is not null,
            ["parameters"] = new JsonObject(parameters.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
        };
        var metrics = new Dictionary<string, double>();
        if (curve.Count > 0) metrics["validation_" + LightGbmParameters.Metric(task)] = curve[^1];
        var info = new LightGbmModelInfo(task.Kind, x.FeatureNames, task.ClassNames, x.CategoricalFeatures) { Metadata = metadata, Metrics = metrics, Loss = task.Spec().Loss };
        return new GradientBoostingModel(modelText, info, task, iterations, LightGbmParameters.Metric(task), curve);
    }

    /// <summary>A short description for logs, e.g. <c>gbdt, 120 iterations, validation binary_logloss 0.0812</c>.</summary>
    public static string Describe(GradientBoostingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.BestValidationScore is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{model.Learner}, {model.Iterations} iterations, validation {model.Metric} {s:G4} at iteration {model.ValidationCurve.Count}")
            : string.Create(CultureInfo.InvariantCulture, $"{model.Learner}, {model.Iterations} iterations");
    }

    // Trains up to `iterations` iterations on every row; returns the model text and the iterations grown.
    private static (string Text, int Iterations) Grow(FeatureMatrix x, float[] labels, float[] weights, string parameters, int iterations, CancellationToken ct)
    {
        using var all = LightGbmDataset.Create(x, labels, parameters, weights: weights);
        using var booster = LightGbmBooster.Create(all, parameters);
        for (int i = 0; i < iterations; i++)
        {
            ct.ThrowIfCancellationRequested();
            if (booster.UpdateOneIteration()) break;
        }
        return (booster.SaveToString(), booster.CurrentIteration);
    }
}
