using Lepton.Registry.Store;

namespace Lepton.Factory.Loop;

/// <summary>How a loop run ended.</summary>
public enum LoopResult
{
    /// <summary>Not enough usable feedback: nothing was trained.</summary>
    Skipped,

    /// <summary>The challenger failed the gate or the canary; the champion stays.</summary>
    Kept,

    /// <summary>The challenger now holds the champion alias.</summary>
    Promoted,

    /// <summary>The canary was worse; staging was rolled back and the champion stays.</summary>
    RolledBack,
}

/// <summary>Everything one loop run did: the result, the versions, the numbers, and every decision it wrote to the store.</summary>
public sealed record LoopOutcome(
    LoopResult Result,
    string Model,
    int ChampionVersion,
    int? ChallengerVersion,
    string Reason,
    FeedbackDatasetVersion? Dataset,
    ChallengerResult? Challenger,
    EvaluationComparison? Evaluation,
    GateDecision? Gate,
    CanaryJudgement? Canary,
    IReadOnlyList<LoopDecisionRecord> Decisions);
