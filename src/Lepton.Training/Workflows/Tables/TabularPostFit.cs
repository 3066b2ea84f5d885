using Lepton.Data.Tables.Encoding;
using Lepton.Training.Classic;

namespace Lepton.Training.Workflows.Tables;

/// <summary>
/// What is set on held-out predictions (<see cref="TabularHeldOut"/>) once a classifier is fitted: first its probability calibration
/// (<see cref="TabularRecipe.Calibrate"/>), then its decision threshold (<see cref="TabularRecipe.Threshold"/>: a fixed one as it is, a
/// rule chosen on the calibrated held-out probabilities, so it holds for the probabilities the model will answer), then its conformal
/// intervals or prediction sets (<see cref="TabularRecipe.Intervals"/>) on the same held-out rows, as the model will answer them.
/// </summary>
internal static class TabularPostFit
{
    /// <summary>
    /// <paramref name="model"/> calibrated and deciding at its threshold as the recipe asks; <paramref name="auto"/> holds auto's
    /// out-of-fold predictions of its winner (whose threshold auto chose on them), null for other learners.
    /// </summary>
    public static ITabularModel Apply(ITabularModel model, TabularRecipe recipe, TableTrainingSet set, HeldOutPredictions? auto, CancellationToken ct)
    {
        bool onValidation = !TabularHeldOut.NeedsFolds(recipe, set);
        return Apply(model, recipe, onValidation, ct, (purpose, score) => TabularHeldOut.Of(model, recipe, set, auto, purpose, score, ct),
            () => TabularIntervalBand.Apply(model, recipe, set.Train, set.Validation, onValidation, ct));
    }

    /// <summary>As <see cref="Apply(ITabularModel, TabularRecipe, TableTrainingSet, HeldOutPredictions?, CancellationToken)"/> with only training rows (a fold's): held-out predictions are always out-of-fold.</summary>
    public static ITabularModel Apply(ITabularModel model, TabularRecipe recipe, EncodedSplit train, HeldOutPredictions? auto, CancellationToken ct) =>
        Apply(model, recipe, false, ct, (purpose, score) => auto ?? TabularHeldOut.OutOfFold(recipe, train, model.Task, purpose, score, ct, model),
            () => TabularIntervalBand.Apply(model, recipe, train, null, false, ct));

    // onValidation: the held-out predictions are the validation split's, where a rule is chosen again even for auto's winner.
    // band: the model with conformalized quantile intervals, whose held-out rows are its quantile models' rather than its own.
    private static ITabularModel Apply(ITabularModel model, TabularRecipe recipe, bool onValidation, CancellationToken ct,
        Func<string, Func<double[], float[], float[]?, double>?, HeldOutPredictions> heldOut, Func<ConformalTabularModel> band)
    {
        // A regressor has no calibration or threshold: the band's quantile models are all its intervals need.
        if (recipe.Intervals is not null && recipe.IntervalsFromQuantiles && !model.Task.IsClassification) return band();
        var rule = recipe.ThresholdRule;
        var method = recipe.Calibrate;
        if (rule is { IsChosen: false }) model = model.WithThreshold(ThresholdChoice.Given(rule.Value));
        // Auto chose its winner's threshold on the out-of-fold predictions it would be chosen on here, before any calibration.
        bool choose = rule is { IsChosen: true } && (model.ThresholdChoice is null || method is not null || onValidation);
        if (method is null && !choose && recipe.Intervals is null) return model;
        ct.ThrowIfCancellationRequested();
        var held = heldOut(method is not null ? "calibration" : choose ? "threshold" : "intervals", choose && method is null ? rule!.ObjectiveOnItsOwn : null);
        // A weight column counts in the calibration and the threshold rule as in the loss; conformal answers promise their level per
        // served row (a row's weight is not known when it is answered), so they count rows.
        if (method is not null)
        {
            var calibration = ProbabilityCalibrator.Fit(method, model.Task, held.Predictions, held.Labels, held.WeightedSource(), held.Weights);
            model = new CalibratedTabularModel(model, calibration);
            var calibrated = (double[])held.Predictions.Clone();
            calibration.ApplyAll(calibrated);
            held = held with { Predictions = calibrated };
        }
        if (choose) model = model.WithThreshold(rule!.Choose(held.Predictions, held.Labels, held.WeightedSource(), held.Weights));
        if (recipe.Intervals is { } level)
        {
            var task = model.Task;
            var intervals = task.IsClassification
                ? Lepton.Runtime.Conformal.ConformalIntervals.ForClassifier(task.ClassCount, level, held.Predictions, held.Labels, held.Source, recipe.IntervalsPerClass, task.ClassNames)
                : Lepton.Runtime.Conformal.ConformalIntervals.ForRegression(task.Loss, level, held.Predictions, held.Labels, held.Source);
            model = new ConformalTabularModel(model, intervals);
        }
        return model;
    }
}
