using System.Diagnostics;
using Lepton.Data.Tables.Encoding;
using Lepton.Training.Classic;
using Lepton.Training.Classic.Auto;
using Lepton.Training.Classic.LightGbm;

namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// Sets a trained yes/no table model's decision threshold from the recipe's rule: a fixed one as it is; a chosen one on the
/// data set's validation split when it has one beside a test split (unless <see cref="TabularRecipe.ThresholdOnFolds"/>), else
/// on out-of-fold predictions of the training rows: auto's own, or <see cref="Folds"/> more fits of the recipe's learner on the
/// folds auto would use. The test split is never looked at.
/// </summary>
internal static class TabularThresholds
{
    /// <summary>Folds of the training rows whose held-out predictions choose a rule's threshold (for learners other than auto).</summary>
    public const int Folds = 5;

    /// <summary>Whether a chosen rule on <paramref name="set"/> is chosen on out-of-fold predictions rather than the validation split.</summary>
    public static bool NeedsFolds(TabularRecipe recipe, TableTrainingSet set) =>
        recipe.ThresholdOnFolds || set.Test is null || set.Validation is not { Labels.Length: > 0 };

    /// <summary><paramref name="model"/> deciding at the threshold <paramref name="rule"/> gives (auto's model brings its own).</summary>
    public static ITabularModel Apply(ITabularModel model, DecisionThreshold rule, TabularRecipe recipe, TableTrainingSet set, CancellationToken ct)
    {
        if (!rule.IsChosen) return model.WithThreshold(ThresholdChoice.Given(rule.Value));
        if (!NeedsFolds(recipe, set))
            return model.WithThreshold(rule.Choose(model.Predict(set.Validation!.Features), set.Validation.Labels, "the validation split"));
        if (model.ThresholdChoice is not null) return model; // auto chose it on the winner's out-of-fold predictions
        return model.WithThreshold(OutOfFold(rule, recipe, set.Train, model.Task, ct, model));
    }

    /// <summary>
    /// Each of <see cref="Folds"/> folds' learner, fitted on the other training rows, predicts its held-out rows; the rule chooses
    /// on all of them, pooled in fold order. Given the model already <paramref name="fitted"/> on every row, gradient boosting
    /// grows as many trees per row as early stopping chose for it instead of stopping early again in every fold (half the work:
    /// no held-out share, no refit).
    /// </summary>
    public static ThresholdChoice OutOfFold(DecisionThreshold rule, TabularRecipe recipe, EncodedSplit train, TabularTask task, CancellationToken ct,
        ITabularModel? fitted = null)
    {
        string learner = recipe.Model;
        var x = train.Features;
        var folds = TableRows.CrossValidation(x, train.Labels, task, Folds, recipe.Seed);
        var held = new (double[] Predictions, float[] Labels)[folds.Count];
        var clock = Stopwatch.StartNew();
        int done = 0;
        var gate = new object();
        // A tree learner on a small table trains on one thread (LightGbmParameters), so folds side by side use the other cores;
        // they are independent and seeded, so the result does not depend on their order.
        int parallel = ParallelFolds(recipe, x);
        Parallel.For(0, folds.Count, new ParallelOptions { MaxDegreeOfParallelism = parallel, CancellationToken = ct }, fold =>
        {
            var (fit, heldRows) = folds[fold];
            var (foldModel, _, _) = TabularTraining.Fit(FoldRecipe(recipe, fitted, fit.Length, x.Rows), _ => TableRows.Subset(x, fit),
                TableRows.Subset(train.Labels, fit), task, ct);
            var labels = TableRows.Subset(train.Labels, heldRows);
            held[fold] = (foldModel.Predict(TableRows.Subset(x, heldRows)), labels);
            lock (gate)
            {
                done++;
                if (done < folds.Count)
                    recipe.Progress?.Report(new TabularAutoProgress(learner, 1, 1, done, folds.Count, rule.ObjectiveOnItsOwn(held[fold].Predictions, labels), clock.Elapsed)
                    {
                        Search = "threshold",
                    });
            }
        });
        double[] predictions = [.. held.SelectMany(h => h.Predictions)];
        float[] pooled = [.. held.SelectMany(h => h.Labels)];
        var choice = rule.Choose(predictions, pooled, $"out-of-fold predictions ({folds.Count} folds of the training rows)");
        recipe.Progress?.Report(new TabularAutoProgress(learner, 1, 1, folds.Count, folds.Count, rule.ObjectiveAt(predictions, pooled, choice.Threshold), clock.Elapsed)
        {
            Search = "threshold",
            CandidateScore = rule.ObjectiveAt(predictions, pooled, choice.Threshold),
        });
        return choice;
    }

    // gbdt that stopped early on all rows: the fold grows that many trees per row, on all its rows.
    private static TabularRecipe FoldRecipe(TabularRecipe recipe, ITabularModel? fitted, int foldRows, int allRows)
    {
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
