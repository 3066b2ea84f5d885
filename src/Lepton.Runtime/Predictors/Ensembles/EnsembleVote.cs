namespace Lepton.Runtime.Ensembles;

/// <summary>How an ensemble combines its members' answers.</summary>
public enum EnsembleVote
{
    /// <summary>The mean of the members' probabilities (softmax for classes, sigmoid for binary and multi-label tasks).</summary>
    Soft,

    /// <summary>The majority of the members' decisions; each class (or label) gets the fraction of members that chose it.</summary>
    Hard,

    /// <summary>The mean of the members' outputs: regression values, or plain tensors.</summary>
    Mean,
}

/// <summary>Names of <see cref="EnsembleVote"/> as ensemble.json and the command line spell them.</summary>
public static class EnsembleVotes
{
    public static string NameOf(EnsembleVote vote) => vote switch
    {
        EnsembleVote.Soft => "soft",
        EnsembleVote.Hard => "hard",
        EnsembleVote.Mean => "mean",
        _ => throw new ArgumentOutOfRangeException(nameof(vote)),
    };

    /// <summary>Parses <c>soft</c>, <c>hard</c> or <c>mean</c> (any case); throws naming the choices.</summary>
    public static EnsembleVote Parse(string text) => text?.Trim().ToLowerInvariant() switch
    {
        "soft" => EnsembleVote.Soft,
        "hard" => EnsembleVote.Hard,
        "mean" => EnsembleVote.Mean,
        _ => throw new ArgumentException($"--vote {text} is not a vote; use soft (mean of probabilities), hard (majority) or mean (regression average)."),
    };
}
