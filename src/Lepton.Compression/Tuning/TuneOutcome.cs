using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tuning;

/// <summary>What a tuning session left: the study's state, why it stopped, the best trial and the model version registered from it.</summary>
public sealed record TuneOutcome(StudyState State, StudyStop Stop, TrialRecord? Best, string? Registered, string StudyDirectory)
{
    /// <summary>Epochs trained by the trials as the study stands (restarted trials count once).</summary>
    public int EpochsSpent => State.EpochsSpent;
}
