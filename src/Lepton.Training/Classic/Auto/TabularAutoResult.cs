using Lepton.Data.Tables;
using Lepton.Data.Tables.Encoding;

namespace Lepton.Training.Classic.Auto;

/// <summary>
/// One candidate's cross-validation: the metric per fold and their mean (accuracy for classification, higher is better; RMSE
/// for regression, lower is better), the seconds it took, or why it did not run.
/// </summary>
public sealed record CandidateScore(string Name, string Metric, IReadOnlyList<double> FoldScores, double Seconds, string? Skipped = null)
{
    /// <summary>The features the candidate was given: the encoding and its width (0 when it did not run).</summary>
    public (EncoderMode Encoding, int Features) Input { get; init; }

    public double Mean => FoldScores.Count == 0 ? double.NaN : FoldScores.Average();

    public bool Completed => Skipped is null && FoldScores.Count > 0;
}

/// <summary>
/// What <see cref="TabularAuto.Run(FeatureMatrix, float[], TabularTask, TabularAutoOptions?, IReadOnlyList{TabularCandidate}?, CancellationToken)"/>
/// found: every candidate's score, the best one's name, the encoding it was fitted on and its model refitted on all rows.
/// </summary>
public sealed record TabularAutoResult(string Best, ITabularModel Model, IReadOnlyList<CandidateScore> Scores, EncoderMode Encoding = EncoderMode.Trees);
