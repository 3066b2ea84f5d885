namespace Lepton.Compression.Tuning.Study;

/// <summary>
/// Where a trial stands: training (or interrupted while training), trained fully, stopped at a rung for good, failed, or
/// waiting at a rung until enough other trials reach it to tell whether it goes on (at the study's end it is stopped).
/// </summary>
public enum TrialStatus
{
    Running,
    Completed,
    Pruned,
    Failed,
    Paused,
}
