using Lepton.NN.Serialization;

namespace Lepton.NN.Tasks;

/// <summary>A label with a probability (softmax for multiclass, an independent sigmoid for multi-label).</summary>
public readonly record struct LabelScore(string Label, double Probability);

/// <summary>A named real value of a regressor's answer.</summary>
public readonly record struct NamedValue(string Name, double Value);

/// <summary>The decoded answer of one example; the concrete type follows the model's <see cref="TaskKind"/>.</summary>
public abstract record TaskAnswer(TaskKind Kind);

/// <summary>Multiclass: the top labels, most probable first, with softmax probabilities.</summary>
public sealed record ClassAnswer(IReadOnlyList<LabelScore> Top) : TaskAnswer(TaskKind.Multiclass)
{
    /// <summary>The most probable label.</summary>
    public string Label => Top[0].Label;
}

/// <summary>Binary: the decided label, the probability of the positive class and whether it reached the threshold.</summary>
public sealed record BinaryAnswer(string Label, double Probability, bool IsPositive) : TaskAnswer(TaskKind.Binary);

/// <summary>Multi-label: every label's independent probability (in output order) and the labels at or above the threshold.</summary>
public sealed record MultiLabelAnswer(IReadOnlyList<LabelScore> Probabilities, IReadOnlyList<string> Labels) : TaskAnswer(TaskKind.MultiLabel);

/// <summary>Regression: the model's outputs, named by the task's target names.</summary>
public sealed record RegressionAnswer(IReadOnlyList<NamedValue> Values) : TaskAnswer(TaskKind.Regression);
