namespace Lepton.Registry.Labeling;

/// <summary>A model's guess for a queue entry: a class and its probability.</summary>
public sealed record LabelGuess(string Label, double Probability);

/// <summary>
/// One entry of the labeling queue: a data set item without a label (<see cref="Path"/> set) or a low-confidence served
/// prediction (<see cref="PredictionId"/> and <see cref="Model"/> set), with the model's uncertainty and top guesses when known.
/// </summary>
public sealed record LabelTask(string Id, string Kind, string? Path, string? PredictionId, string? Model, double? Uncertainty,
    IReadOnlyList<LabelGuess> Guesses)
{
    public const string ItemKind = "item";
    public const string PredictionKind = "prediction";

    /// <summary>What a person reads: the item's path or "prediction ID (model)".</summary>
    public string Display => Path ?? $"prediction {PredictionId} ({Model})";
}

/// <summary>The queue of one data set version: its classes, the entries most uncertain first, and how many items are labelled.</summary>
public sealed record LabelQueue(string Dataset, int Version, IReadOnlyList<string> Classes, IReadOnlyList<LabelTask> Tasks, int Labelled, int Items);

/// <summary>What storing one label did.</summary>
public sealed record LabelResult(LabelTask Task, string Label, Store.FeedbackOutcome Outcome);

/// <summary>What committing labels did: the new version (null when no label changed anything) and the paths labelled or relabelled.</summary>
public sealed record LabelCommit(string Dataset, int Parent, int? Version, IReadOnlyList<string> Labelled, IReadOnlyList<string> Relabelled);
