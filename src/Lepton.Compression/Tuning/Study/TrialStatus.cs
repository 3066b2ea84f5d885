namespace Lepton.Compression.Tuning.Study;

/// <summary>Where a trial stands: training (or interrupted while training), trained fully, stopped at a rung, or failed.</summary>
public enum TrialStatus
{
    Running,
    Completed,
    Pruned,
    Failed,
}
