using System.Globalization;
using System.Text.Json.Nodes;
using Lepton.Data.Tables;
using Lepton.Runtime.LightGbm;

namespace Lepton.Training.Classic.LightGbm;

/// <summary>
/// Gradient-boosted trees or a random forest with LightGBM's native library: binary, multiclass and regression, NaN as missing,
/// categorical features split natively, early stopping on a seeded, stratified validation split.
/// </summary>
public static class GradientBoostingLearner
{
    /// <summary>
    /// Trains on <paramref name="x"/> with <paramref name="labels"/> (class indices or targets). With early stopping, a share of
    /// the rows is held out and the model keeps the iteration with the best validation metric; otherwise every row trains
    /// <see cref="GradientBoostingOptions.Iterations"/> iterations.
    /// </summary>
    public static GradientBoostingModel Fit(FeatureMatrix x, float[] labels, TabularTask task, GradientBoostingOptions? options = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(task);
        var o = options ?? GradientBoostingOptions.Default;
        o.Validate();
        task.CheckLabels(labels, x.Rows);
        if (x.Rows < 2) throw new ArgumentException($"LightGBM needs at least 2 rows to train, got {x.Rows}.", nameof(x));
        var parameters = LightGbmParameters.Build(task, o, x.CategoricalFeatures);
        string text = LightGbmParameters.Text(parameters);
        bool early = o.EarlyStoppingRounds > 0;

        FeatureMatrix trainX = x;
        float[] trainY = labels;
        FeatureMatrix? validX = null;
        float[]? validY = null;
        if (early)
        {
            var (train, valid) = TableRows.Split(labels, task, o.ValidationFraction, o.Seed);
            if (valid.Length == 0 || train.Length == 0)
                throw new ArgumentException($"{x.Rows} rows are too few to hold out a validation share of {o.ValidationFraction}; set EarlyStoppingRounds = 0.", nameof(x));
            (trainX, trainY) = (TableRows.Subset(x, train), TableRows.Subset(labels, train));
            (validX, validY) = (TableRows.Subset(x, valid), TableRows.Subset(labels, valid));
        }

        using var trainSet = LightGbmDataset.Create(trainX, trainY, text);
        using var validSet = validX is null ? null : LightGbmDataset.Create(validX, validY!, text, reference: trainSet);
        using var booster = LightGbmBooster.Create(trainSet, text);
        if (validSet is not null) booster.AddValidation(validSet);

        var curve = new List<double>();
        int best = 0;
        double bestScore = double.PositiveInfinity;
        for (int iteration = 1; iteration <= o.Iterations; iteration++)
        {
            ct.ThrowIfCancellationRequested();
            bool finished = booster.UpdateOneIteration();
            if (validSet is not null)
            {
                double score = booster.Evaluate(1)[0];
                curve.Add(score);
                if (score < bestScore)
                {
                    (bestScore, best) = (score, iteration);
                }
                else if (iteration - best >= o.EarlyStoppingRounds)
                {
                    break;
                }
            }
            // No tree could split: more iterations would add nothing.
            if (finished) break;
        }
        int kept = validSet is not null ? Math.Max(best, 1) : booster.CurrentIteration;
        if (curve.Count > kept) curve.RemoveRange(kept, curve.Count - kept);
        var modelText = booster.SaveToString(kept);
        var metadata = new JsonObject
        {
            ["learner"] = o.Mode == BoostingMode.RandomForest ? "random_forest" : "gbdt",
            ["iterations"] = kept,
            ["early_stopping_rounds"] = o.EarlyStoppingRounds,
            ["validation_fraction"] = early ? o.ValidationFraction : 0,
            ["train_rows"] = trainX.Rows,
            ["parameters"] = new JsonObject(parameters.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)JsonValue.Create(kv.Value)))),
        };
        var metrics = new Dictionary<string, double>();
        if (validSet is not null) metrics["validation_" + LightGbmParameters.Metric(task.Kind)] = bestScore;
        var info = new LightGbmModelInfo(task.Kind, x.FeatureNames, task.ClassNames, x.CategoricalFeatures) { Metadata = metadata, Metrics = metrics };
        return new GradientBoostingModel(modelText, info, task, kept, LightGbmParameters.Metric(task.Kind), curve);
    }

    /// <summary>A short description for logs, e.g. <c>gbdt, 120 iterations, validation binary_logloss 0.0812</c>.</summary>
    public static string Describe(GradientBoostingModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var learner = model.Learner;
        return model.BestValidationScore is { } s
            ? string.Create(CultureInfo.InvariantCulture, $"{learner}, {model.Iterations} iterations, validation {model.Metric} {s:G4}")
            : string.Create(CultureInfo.InvariantCulture, $"{learner}, {model.Iterations} iterations");
    }
}
