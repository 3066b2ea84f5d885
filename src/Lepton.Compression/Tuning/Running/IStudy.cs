using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tuning.Running;

/// <summary>
/// Where a study's trials come from and where their reports go: a <c>study.json</c> on this machine
/// (<see cref="TuningStudy"/>) or a PostgreSQL store shared by workers on many machines. <see cref="StudyRunner"/> drives either.
/// </summary>
public interface IStudy
{
    StudyOptions Options { get; }

    SearchSpace Space { get; }

    SuccessiveHalving Halving { get; }

    /// <summary>The wall-clock time the study has spent; the budget is counted against it.</summary>
    TimeSpan Elapsed { get; }

    /// <summary>The next trial to train, or null when none is left to hand out (a shared study may wait here for others' trials to end).</summary>
    TrialRecord? Next(CancellationToken ct);

    /// <summary>Records a trial's score after <paramref name="epoch"/>; false when the trial stops here.</summary>
    bool Report(int number, int epoch, double value);

    void Finish(int number, TrialResult result);

    void Fail(int number, string message);

    /// <summary>A trial was cut short (Ctrl+C, the budget): it starts again from scratch, here on resume or at once on another worker.</summary>
    void Interrupt(int number, string? runId);

    /// <summary>Fires when this worker no longer owns the trial (a shared study re-queued it after its lease expired).</summary>
    CancellationToken Lost(int number) => CancellationToken.None;

    void Save();

    /// <summary>A copy of the state, safe to read while trials run.</summary>
    StudyState Snapshot();

    /// <summary>Records the model version the best trial was registered as.</summary>
    void SetRegistered(string version);

    /// <summary>Called after every change this process makes, for live displays.</summary>
    Action? Changed { get; set; }
}
