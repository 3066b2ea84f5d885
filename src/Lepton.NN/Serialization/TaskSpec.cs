namespace Lepton.NN.Serialization;

/// <summary>What a model predicts, which fixes its loss, its metrics and the form of its answers.</summary>
public enum TaskKind
{
    /// <summary>One class of several: logits (N, classes), softmax, top-k labels.</summary>
    Multiclass,

    /// <summary>Yes or no: one logit (N, 1), sigmoid, positive when the probability reaches the threshold.</summary>
    Binary,

    /// <summary>Any number of labels at once: logits (N, labels), independent sigmoids, each label at or above the threshold.</summary>
    MultiLabel,

    /// <summary>One or more real values: outputs (N, targets) are the answers.</summary>
    Regression,
}

/// <summary>
/// The task of a model as <c>model.json</c> stores it. <see cref="Threshold"/> applies to binary and multi-label
/// tasks; <see cref="TargetNames"/> names the outputs of a regressor (class and label names live in class_names).
/// </summary>
public sealed record TaskSpec(TaskKind Kind = TaskKind.Multiclass, double Threshold = 0.5, IReadOnlyList<string>? TargetNames = null)
{
    /// <summary>
    /// What a regressor's training minimized, as written (<c>poisson</c>, <c>quantile=0.9</c>); null for squared error and for
    /// other tasks. It says what a prediction estimates; the outputs are the answers either way.
    /// </summary>
    public string? Loss { get; init; }

    /// <summary>
    /// A regressor whose loss (poisson, gamma, tweedie) predicts through a log link: its answer is exp of its raw score, and
    /// feature contributions, which add up to the raw score, are on the log scale.
    /// </summary>
    public bool LogLink => Kind == TaskKind.Regression && Tasks.RegressionLoss.TryParse(Loss, out var loss) && loss!.LogLink;

    /// <summary>The task of every model written before tasks were recorded.</summary>
    public static TaskSpec Multiclass { get; } = new();

    /// <summary>The name used in model.json, e.g. <c>multilabel</c>.</summary>
    public static string NameOf(TaskKind kind) => kind switch
    {
        TaskKind.Multiclass => "multiclass",
        TaskKind.Binary => "binary",
        TaskKind.MultiLabel => "multilabel",
        TaskKind.Regression => "regression",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Parses a task name (case-insensitive; <c>multi-label</c> and <c>multi_label</c> also accepted); null when unknown.</summary>
    public static TaskKind? Parse(string name) => name.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal) switch
    {
        "multiclass" or "classification" => TaskKind.Multiclass,
        "binary" => TaskKind.Binary,
        "multilabel" => TaskKind.MultiLabel,
        "regression" => TaskKind.Regression,
        _ => null,
    };
}
