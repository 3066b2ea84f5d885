namespace Lepton.Training.Transfer;

/// <summary>What of a pretrained backbone trains: everything (<see cref="None"/>) or only the new head (<see cref="Backbone"/>).</summary>
public enum BackboneFreeze
{
    /// <summary>Every parameter trains (optionally the backbone at a lower rate).</summary>
    None,

    /// <summary>Only the head trains: backbone parameters get no update and its BatchNorm layers keep their running statistics.</summary>
    Backbone,
}

/// <summary>
/// Transfer learning from a trained model: <paramref name="From"/> is its folder (registry names are resolved to folders by
/// the caller) and <paramref name="ParentLabel"/> what lineage records (<c>name@3</c>, else the folder). <paramref name="UnfreezeAfter"/>
/// unfreezes the backbone after that many epochs; <paramref name="BackboneLearningRateScale"/> trains the backbone at that
/// fraction of the learning rate (the head at the full rate).
/// </summary>
public sealed record TransferOptions(
    string From,
    string? ParentLabel = null,
    BackboneFreeze Freeze = BackboneFreeze.None,
    int? UnfreezeAfter = null,
    double? BackboneLearningRateScale = null)
{
    /// <summary>Parses <c>--freeze</c>: <c>backbone</c> or <c>none</c>.</summary>
    public static BackboneFreeze ParseFreeze(string text) => text.ToLowerInvariant() switch
    {
        "backbone" => BackboneFreeze.Backbone,
        "none" or "" => BackboneFreeze.None,
        _ => throw new ArgumentException($"--freeze {text} is not a choice; use backbone (train only the new head) or none."),
    };

    /// <summary>Throws naming the option and the fix when the combination cannot work.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(From)) throw new ArgumentException("--from needs a model: a folder, name, name@3 or name@alias.");
        if (UnfreezeAfter is < 0) throw new ArgumentException($"--unfreeze-after must be >= 0 epochs, got {UnfreezeAfter}.");
        if (UnfreezeAfter is not null && Freeze != BackboneFreeze.Backbone)
            throw new ArgumentException("--unfreeze-after unfreezes a frozen backbone; add --freeze backbone.");
        if (BackboneLearningRateScale is { } s && (!(s >= 0) || double.IsInfinity(s)))
            throw new ArgumentException($"--backbone-lr-scale must be >= 0, got {s}; 0.1 trains the backbone at a tenth of the head's rate.");
    }
}
