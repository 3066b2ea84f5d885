using Lepton.Data;
using Lepton.NN.Serialization;
using Lepton.Runtime;
using Lepton.Training.Metrics;
using Lepton.Training.Workflows;

namespace Lepton.Factory.Loop;

/// <summary>
/// One model's numbers on one evaluation set: a classifier's accuracy and each class's recall with its support; a regressor's
/// RMSE and MAE (its accuracy NaN, no classes).
/// </summary>
public sealed record SetScore(double Accuracy, int Count, IReadOnlyList<ClassRecall> Classes)
{
    public double? Rmse { get; init; }

    public double? Mae { get; init; }

    /// <summary>A regressor trained with a loss other than squared error: that loss's metric (<c>Poisson deviance</c>) on this set.</summary>
    public string? LossMetric { get; init; }

    public double? LossValue { get; init; }

    /// <summary>The error a regressor is judged by (lower is better): its loss's metric, else RMSE.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public double? Error => LossValue ?? Rmse;

    /// <summary>The name of <see cref="Error"/>: <c>RMSE</c>, <c>Poisson deviance</c>, <c>pinball loss (q = 0.9)</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ErrorName => LossMetric ?? "RMSE";

    /// <summary>True for a regressor's score (errors, not accuracy).</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsRegression => Rmse is not null;

    /// <summary>
    /// A regressor's score from its squared and absolute error sums over <paramref name="count"/> rows, whose weights add up to
    /// <paramref name="weight"/> (the count when every row counts once).
    /// </summary>
    public static SetScore Regression(double squaredErrors, double absoluteErrors, int count, double? weight = null)
    {
        double w = weight ?? count;
        return new(double.NaN, count, []) { Rmse = w <= 0 ? double.NaN : Math.Sqrt(squaredErrors / w), Mae = w <= 0 ? double.NaN : absoluteErrors / w };
    }

    /// <summary>The column each row was weighted by in these scores (the champion's weight column); null when every row counted once.</summary>
    public string? WeightColumn { get; init; }

    /// <summary>"accuracy 0.912", "RMSE 20,100" or "Poisson deviance 1.02"; "-" for no set.</summary>
    public static string Headline(SetScore? score) => score is null ? "- (no holdout)"
        : score.IsRegression ? $"{score.ErrorName} {NumberText.Readable(score.Error!.Value)}" : $"accuracy {score.Accuracy.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}";

    public static SetScore From(ClassificationReport report) =>
        new(report.Accuracy, report.Count, report.Classes.Select(c => new ClassRecall(c.Name, c.Recall, c.Support)).ToList());
}

/// <summary>A class's recall (share of its examples predicted right) and how many examples it had.</summary>
public sealed record ClassRecall(string Class, double Recall, int Support);

/// <summary>
/// Champion and challenger scored on the same two sets: the base test split and the feedback holdout (null when empty);
/// <paramref name="Report"/> is the HTML comparison report on the holdout, when one was written.
/// </summary>
public sealed record EvaluationComparison(int ChampionVersion, int ChallengerVersion, SetScore ChampionBaseTest, SetScore ChallengerBaseTest,
    SetScore? ChampionHoldout, SetScore? ChallengerHoldout, string? Report = null)
{
    /// <summary>A yes/no table model's decisions on the base test rows by each of the policy's group columns (none unless it names groups).</summary>
    public IReadOnlyList<GroupFigures> ChampionGroups { get; init; } = [];

    public IReadOnlyList<GroupFigures> ChallengerGroups { get; init; } = [];
}

/// <summary>
/// One group column's comparison, as the loop's gate reads and its log records it: the selection ratio and the true-positive rate
/// difference over the judged groups (null when fewer than two groups have enough rows), and how many groups were judged.
/// </summary>
public sealed record GroupFigures(string Column, string Favorable, double? SelectionRatio, double? OpportunityDifference, int JudgedGroups)
{
    public static GroupFigures Of(Runtime.Tables.DecisionFairness d) => new(d.Column, d.Favorable, Finite(d.SelectionRatio), Finite(d.OpportunityDifference), d.Judged.Count);

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;
}

/// <summary>
/// Evaluates champion and challenger on identical data: a seeded subset of the base test split (preprocessed as both were
/// trained) and the raw feedback holdout (each model applies its own preprocessing from model.json).
/// </summary>
public static class ChampionChallengerEvaluation
{
    public static EvaluationComparison Compare(int championVersion, string championFolder, int challengerVersion, string challengerFolder,
        BaseDataSplits baseData, FeedbackData feedback, LoopPolicy policy)
    {
        var test = TrainingMix.Sample(baseData.Test, policy.BaseTestSize, policy.Seed);
        var holdout = feedback.Holdout.Count == 0 ? null : feedback.ToRawDataset(feedback.Holdout);
        var (champBase, champHold) = Score(championFolder, test, holdout, policy.BatchSize);
        var (challBase, challHold) = Score(challengerFolder, test, holdout, policy.BatchSize);
        return new EvaluationComparison(championVersion, challengerVersion, champBase, challBase, champHold, challHold);
    }

    private static (SetScore BaseTest, SetScore? Holdout) Score(string folder, InMemoryDataset preprocessedTest, InMemoryDataset? rawHoldout, int batchSize)
    {
        var predictor = new ModelPredictor(ModelFile.Load(folder));
        var names = predictor.Model.Spec.ClassNames;
        var logits = Inference.Forward(predictor.Model.Model, preprocessedTest.Inputs, Math.Max(batchSize, 256));
        var baseScore = SetScore.From(ClassificationReport.FromLogits(logits, preprocessedTest.Targets, names));
        SetScore? holdScore = rawHoldout is null ? null : SetScore.From(predictor.Evaluate(rawHoldout, Math.Max(batchSize, 256)));
        return (baseScore, holdScore);
    }
}
