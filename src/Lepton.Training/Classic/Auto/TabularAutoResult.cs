using Lepton.Data.Tables;
using Lepton.Data.Tables.Encoding;

namespace Lepton.Training.Classic.Auto;

/// <summary>
/// One candidate's cross-validation: the metric per fold and their mean (accuracy for classification, higher is better; RMSE
/// for regression, lower is better; with a threshold rule, the rule's objective at the threshold it chose on all the folds'
/// predictions: F1, recall at the precision asked, or precision at the recall asked), the seconds it took, or why it did not run.
/// </summary>
public sealed record CandidateScore(string Name, string Metric, IReadOnlyList<double> FoldScores, double Seconds, string? Skipped = null)
{
    /// <summary>The features the candidate was given: the encoding and its width (0 when it did not run).</summary>
    public (EncoderMode Encoding, int Features) Input { get; init; }

    public double Mean => FoldScores.Count == 0 ? double.NaN : FoldScores.Average();

    public bool Completed => Skipped is null && FoldScores.Count > 0;

    /// <summary>The threshold chosen on the candidate's out-of-fold predictions (binary tasks with a threshold rule).</summary>
    public ThresholdChoice? Threshold { get; init; }

    /// <summary>The candidate's out-of-fold predictions, pooled in fold order (what the winner is calibrated on).</summary>
    internal Workflows.Tables.HeldOutPredictions? HeldOut { get; init; }
}

/// <summary>
/// What <see cref="TabularAuto.Run(FeatureMatrix, float[], TabularTask, TabularAutoOptions?, IReadOnlyList{TabularCandidate}?, CancellationToken)"/>
/// found: every candidate's score, the best one's name, the encoding it was fitted on and its model refitted on all rows (deciding
/// at the threshold chosen on its out-of-fold predictions when a threshold rule was given).
/// </summary>
public sealed record TabularAutoResult(string Best, ITabularModel Model, IReadOnlyList<CandidateScore> Scores, EncoderMode Encoding = EncoderMode.Trees)
{
    /// <summary>The best candidate's out-of-fold predictions of the training rows, pooled in fold order.</summary>
    public Workflows.Tables.HeldOutPredictions? HeldOut => Scores.FirstOrDefault(s => s.Name == Best)?.HeldOut;
}
