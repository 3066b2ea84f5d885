using System.Diagnostics;
using Lepton.Data.Tables.Encoding;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;

namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// Predictions of rows a model (or the learner that made it) did not train on, with their labels and where they came from: what a
/// calibration is fitted on and a threshold rule chosen on. (N) positive probabilities or (N, K) class probabilities, row-major;
/// <paramref name="Weights"/>: each row's weight in scores (<see cref="Lepton.Data.Tables.FeatureMatrix.ScoreWeights"/>; null: once).
/// </summary>
public sealed record HeldOutPredictions(double[] Predictions, float[] Labels, string Source, float[]? Weights = null)
{
    /// <summary>Where the rows came from, and that each counts its weight when they have weights (what a calibration or threshold records).</summary>
    public string WeightedSource() => WeightedSource(Source, Weights is not null);

    /// <summary><paramref name="source"/>, saying its rows count their weights when <paramref name="weighted"/>.</summary>
    public static string WeightedSource(string source, bool weighted) => weighted ? $"{source}, each row counting its weight" : source;
}

/// <summary>
/// Finds a trained table model's held-out predictions: on the data set's validation split when it has one beside a test split
/// (unless <see cref="TabularRecipe.ThresholdOnFolds"/>), else out-of-fold predictions of the training rows: auto's own for its
/// winner, or <see cref="Folds"/> more fits of the recipe's learner on the folds auto would use. The test split is never looked at.
/// </summary>
internal static class TabularHeldOut
{
    /// <summary>Folds of the training rows whose held-out predictions stand in for a validation split (for learners other than auto).</summary>
    public const int Folds = 5;

    /// <summary>Whether held-out predictions on <paramref name="set"/> come from out-of-fold fits rather than the validation split.</summary>
    public static bool NeedsFolds(TabularRecipe recipe, TableTrainingSet set) =>
        recipe.ThresholdOnFolds || set.Test is null || set.Validation is not { Labels.Length: > 0 };

    /// <summary>
    /// <paramref name="model"/>'s held-out predictions: on the validation split, else <paramref name="auto"/>'s out-of-fold ones (auto's
    /// winner), else out-of-fold fits (<paramref name="purpose"/> names them in progress).
    /// </summary>
    public static HeldOutPredictions Of(ITabularModel model, TabularRecipe recipe, TableTrainingSet set, HeldOutPredictions? auto, string purpose,
        Func<double[], float[], float[]?, double>? score, CancellationToken ct)
    {
        if (!NeedsFolds(recipe, set))
            return new(model.Predict(set.Validation!.Features), set.Validation.Labels, "the validation split", set.Validation.Features.ScoreWeights);
        return auto ?? OutOfFold(recipe, set.Train, model.Task, purpose, score, ct, model);
    }

    /// <summary>
    /// Each of <see cref="Folds"/> folds' learner, fitted on the other training rows, predicts its held-out rows; pooled in fold order.
    /// Given the model already <paramref name="fitted"/> on every row, gradient boosting grows as many trees per row as early stopping
    /// chose for it instead of stopping early again in every fold (half the work: no held-out share, no refit). Progress shows each
    /// fold's <paramref name="score"/> of its predictions, labels and score weights (accuracy, or the task's regression metric, when null).
    /// </summary>
    public static HeldOutPredictions OutOfFold(TabularRecipe recipe, EncodedSplit train, TabularTask task, string purpose,
        Func<double[], float[], float[]?, double>? score, CancellationToken ct, ITabularModel? fitted = null)
    {
        score ??= (p, y, w) => TabularAuto.Score(task, p, y, w);
        string learner = recipe.Model;
        var x = train.Features;
        var folds = TableRows.CrossValidation(x, train.Labels, task, Folds, recipe.Seed);
        var held = new (double[] Predictions, float[] Labels, float[]? Weights)[folds.Count];
        var clock = Stopwatch.StartNew();
        int done = 0;
        var gate = new object();
        // A tree learner on a small table trains on one thread (LightGbmParameters), so folds side by side use the other cores;
        // they are independent and seeded, so the result does not depend on their order.
        int parallel = ParallelFolds(recipe, x);
        Parallel.For(0, folds.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, fold =>
        {
            var (fit, heldRows) = folds[fold];
            var (foldModel, _, _, _) = TabularTraining.Fit(FoldRecipe(recipe, fitted, fit.Length, x.Rows), _ => TableRows.Subset(x, fit),
                TableRows.Subset(train.Labels, fit), task, ct);
            var labels = TableRows.Subset(train.Labels, heldRows);
            var heldX = TableRows.Subset(x, heldRows);
            held[fold] = (foldModel.Predict(heldX), labels, heldX.ScoreWeights);
            lock (gate)
            {
                done++;
                recipe.Progress?.Report(new TabularAutoProgress(learner, 1, 1, done, folds.Count, score(held[fold].Predictions, labels, held[fold].Weights), clock.Elapsed)
                {
                    Search = purpose,
                    CandidateScore = done == folds.Count ? held.Average(h => score(h.Predictions, h.Labels, h.Weights)) : null,
                });
            }
        });
        return new([.. held.SelectMany(h => h.Predictions)], [.. held.SelectMany(h => h.Labels)], $"out-of-fold predictions ({folds.Count} folds of the training rows)",
            x.ScoreWeights is null ? null : [.. held.SelectMany(h => h.Weights!)]);
    }

    // gbdt that stopped early on all rows: the fold grows that many trees per row, on all its rows.
    private static TabularRecipe FoldRecipe(TabularRecipe recipe, ITabularModel? fitted, int foldRows, int allRows)
    {
        if (fitted is ConformalTabularModel conformal) fitted = conformal.Inner;
        if (fitted is CalibratedTabularModel calibrated) fitted = calibrated.Inner;
        if (fitted is not GradientBoostingModel { ValidationCurve.Count: > 0 } trees || recipe.Model != "gbdt") return recipe;
        int rounds = Math.Max(1, (int)Math.Round(trees.Iterations * (double)foldRows / allRows));
        return recipe with { Trees = (recipe.Trees ?? GradientBoostingOptions.Default) with { Iterations = rounds, EarlyStoppingRounds = 0 } };
    }

    private static int ParallelFolds(TabularRecipe recipe, Lepton.Data.Tables.FeatureMatrix x)
    {
        bool trees = recipe.Model is "gbdt" or "random-forest";
        bool oneThread = recipe.Threads == 1 || recipe.Threads == 0 && (long)x.Rows * x.Columns < LightGbmParameters.SmallMatrixCells;
        return trees && oneThread ? Math.Max(1, Environment.ProcessorCount) : 1;
    }
}
