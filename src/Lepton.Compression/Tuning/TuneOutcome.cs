using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tuning;

/// <summary>What a tuning session left: the study's state, why it stopped, the best trial, the model version registered from it, and (a shared study) this worker's name.</summary>
public sealed record TuneOutcome(StudyState State, StudyStop Stop, TrialRecord? Best, string? Registered, string StudyDirectory,
    string? SharedAs = null)
{
    /// <summary>Epochs trained by the trials as the study stands (restarted trials count once).</summary>
    public int EpochsSpent => State.EpochsSpent;
}
