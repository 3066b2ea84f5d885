namespace Lepton.Registry.Store;

/// <summary>
/// One stored label: the true class of a data set item (<see cref="Model"/> null, <see cref="Item"/> the manifest path) or of
/// a served prediction (<see cref="Model"/> the model that answered, <see cref="Item"/> its prediction id). One record per
/// target; labelling a target again replaces its label.
/// </summary>
public sealed record LabelRecord(string Dataset, string Item, string Label, string Actor, DateTimeOffset CreatedAt, string? Model = null)
{
    /// <summary>True when the label is for a served prediction (then it is also that prediction's feedback).</summary>
    public bool IsPrediction => Model is not null;
}

/// <summary>
/// A served prediction the model was unsure about, kept so a person can label it: how uncertain (1 - margin between the two
/// most probable classes), the model's top guesses as JSON ([{"label","probability"}]), and the image bytes that were sent.
/// </summary>
public sealed record LabelCandidate(string PredictionId, string Model, double Uncertainty, string GuessesJson, string ContentType,
    DateTimeOffset CreatedAt);
