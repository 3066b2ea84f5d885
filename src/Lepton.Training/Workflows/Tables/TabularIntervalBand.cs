using Lepton.Data.Tables.Encoding;
using Lepton.NN.Tasks;
using Lepton.Runtime.Conformal;
using Lepton.Training.Classic;

namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// Conformalized quantile regression of a table regressor (<see cref="TabularRecipe.IntervalsFromQuantiles"/>): two more models of
/// its learner, on the same rows and settings, fitted to the quantiles (1 ± level) / 2 of the target; their band on held-out rows
/// (the validation split, else out-of-fold fits) gives the conformal quantile that widens it to hold the truth at the level
/// (Romano, Patterson and Candès, 2019). The interval then follows the target's spread row by row.
/// </summary>
internal static class TabularIntervalBand
{
    /// <summary>
    /// <paramref name="model"/> answered with conformalized quantile intervals at the recipe's level; <paramref name="validation"/> is
    /// where gbdt and the MLP stop early, as the model did, and (when <paramref name="onValidation"/>) where the band is scored.
    /// </summary>
    public static ConformalTabularModel Apply(ITabularModel model, TabularRecipe recipe, EncodedSplit train, EncodedSplit? validation, bool onValidation,
        CancellationToken ct)
    {
        double level = recipe.Intervals ?? throw new ArgumentException("Conformalized quantile intervals need a level.", nameof(recipe));
        var (lowerLevel, upperLevel) = ConformalIntervals.BandLevels(level);
        var learner = LearnerOf(recipe, model);
        var stopOn = validation is { Labels.Length: > 0 } v ? v : null;
        TabularTask TaskAt(double q) => model.Task with { Loss = RegressionLoss.Quantile(q) };
        ITabularModel FitAt(double q)
        {
            ct.ThrowIfCancellationRequested();
            return TabularTraining.Fit(learner, _ => train.Features, train.Labels, TaskAt(q), ct,
                stopOn is null ? null : _ => (stopOn.Features, stopOn.Labels)).Model;
        }
        var lower = FitAt(lowerLevel);
        var upper = FitAt(upperLevel);
        double[] heldLower, heldUpper;
        float[] labels;
        string source;
        if (onValidation && stopOn is not null)
        {
            (heldLower, heldUpper, labels, source) = (lower.Predict(stopOn.Features), upper.Predict(stopOn.Features), stopOn.Labels, "the validation split");
        }
        else
        {
            // Both quantiles' folds are the same rows in the same order (one seed, one split of the training rows).
            var low = TabularHeldOut.OutOfFold(learner, train, TaskAt(lowerLevel), "intervals: lower quantile", null, ct, lower);
            var high = TabularHeldOut.OutOfFold(learner, train, TaskAt(upperLevel), "intervals: upper quantile", null, ct, upper);
            if (!low.Labels.AsSpan().SequenceEqual(high.Labels))
                throw new InvalidOperationException("The two quantile models' out-of-fold rows differ; their folds must be the same.");
            (heldLower, heldUpper, labels, source) = (low.Predictions, high.Predictions, low.Labels, low.Source);
        }
        var intervals = ConformalIntervals.ForBand(level, heldLower, heldUpper, labels, source);
        return new ConformalTabularModel(model, intervals) { Band = (lower, upper) };
    }

    // The recipe that fits the band: the recipe's own learner, or the one auto chose (on its encoding, which the rows are in).
    private static TabularRecipe LearnerOf(TabularRecipe recipe, ITabularModel model) => recipe.Model != "auto" ? recipe : recipe with
    {
        Model = model.Learner switch
        {
            "gbdt" => "gbdt",
            "random_forest" or "random-forest" => "random-forest",
            "mlp" => "mlp",
            _ => "linear",
        },
    };
}
