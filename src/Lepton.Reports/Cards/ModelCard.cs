using Lepton.Reports.Lineage;
using Lepton.Reports.Statistics;

namespace Lepton.Reports.Cards;

/// <summary>One headline metric of the card, with its bootstrap interval when evaluation.json allows one.</summary>
public sealed record CardMetric(string Name, double Value, Interval? Interval);

/// <summary>One class's held-out precision, recall, F1 and support.</summary>
public sealed record CardClass(string Name, double Precision, double Recall, double F1, long Support);

/// <summary>A (true, predicted) pair the model mixes up: how many held-out examples and their share of the true class.</summary>
public sealed record CardConfusion(string Actual, string Predicted, long Count, double ShareOfActual);

/// <summary>One step of how the model was made from another: the model it came from, the method and its settings.</summary>
public sealed record CardCompressionStep(string Model, string Method, string From, string Details);

/// <summary>
/// A model card (Mitchell et al. 2019) from what the registry and the model folder already know: what the model is for, what
/// it takes and answers, its data and lineage, held-out metrics with intervals, where it is weak, its limits, and how it was
/// compressed or derived.
/// </summary>
public sealed record ModelCard(
    string Model,
    int Version,
    string Kind,
    string Task,
    string Purpose,
    string Inputs,
    IReadOnlyList<string> ClassNames,
    string Architecture,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    IReadOnlyList<string> Aliases,
    ReportLineage Lineage,
    long? EvaluatedExamples,
    IReadOnlyList<CardMetric> Metrics,
    IReadOnlyList<CardClass> WeakestClasses,
    IReadOnlyList<CardConfusion> Confusions,
    IReadOnlyList<CardCompressionStep> Derivation,
    IReadOnlyList<string> Limits,
    string? EvaluationNote)
{
    /// <summary>The card's reference: <c>name@version</c>.</summary>
    public string Display => $"{Model}@{Version}";

    /// <summary>A yes/no table model's decisions across groups (<c>lepton models card --groups</c>), measured on <see cref="GroupsData"/>'s test rows.</summary>
    public IReadOnlyList<Runtime.Tables.DecisionFairness> Groups { get; init; } = [];

    /// <summary>The table version (NAME@V) the groups were measured on; null without groups.</summary>
    public string? GroupsData { get; init; }
}
