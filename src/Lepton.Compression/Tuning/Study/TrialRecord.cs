using System.Text.Json.Serialization;
using Lepton.Compression.Tuning.Sampling;

namespace Lepton.Compression.Tuning.Study;

/// <summary>
/// One trial of a study as the state file holds it: its parameters (numbers, or choice indices), the score reported after
/// each epoch, its status and, once it ends, its value, run and model folder. Mutated only under the study's lock.
/// </summary>
public sealed class TrialRecord
{
    public int Number { get; set; }

    [JsonConverter(typeof(JsonStringEnumConverter<TrialStatus>))]
    public TrialStatus Status { get; set; }

    public Dictionary<string, double> Parameters { get; set; } = [];

    /// <summary>Parameter values as people read them (choice texts), for the state file's readers; not read back.</summary>
    public Dictionary<string, string> Readable { get; set; } = [];

    /// <summary>The score after each epoch, by epoch (from 1).</summary>
    public SortedDictionary<int, double> Reports { get; set; } = [];

    /// <summary>
    /// The epoch up to which the trial may train before its next comparison (a rung, or the last epoch); it moves on each
    /// time the trial goes on from a rung. 0 in state files written before it was kept: such a trial is compared at every rung.
    /// </summary>
    public int Target { get; set; }

    /// <summary>The epoch a trial handed out by <c>Next</c> resumes after (its rung checkpoint); 0 when it starts from scratch.</summary>
    [JsonIgnore]
    public int ResumeEpoch { get; set; }

    /// <summary>The final score: the last epoch's for a completed trial, the rung's for a stopped or waiting one.</summary>
    public double? Value { get; set; }

    public string? RunId { get; set; }

    public string? ModelDirectory { get; set; }

    /// <summary>How often the trial started again from scratch after an interruption (Ctrl+C, a crash, the budget).</summary>
    public int Restarts { get; set; }

    public string? Message { get; set; }

    /// <summary>The worker that trains or trained it, in a study shared through PostgreSQL; null in a study.json.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Worker { get; set; }

    public DateTimeOffset Started { get; set; }

    public DateTimeOffset? Ended { get; set; }

    [JsonIgnore]
    public int LastEpoch => Reports.Count == 0 ? 0 : Reports.Keys.Max();

    [JsonIgnore]
    public bool IsFinished => Status is TrialStatus.Completed or TrialStatus.Pruned;

    /// <summary>What samplers learn from this trial, or null when it has nothing to teach (running, failed, no epoch reported).</summary>
    public Observation? ToObservation() =>
        (IsFinished || Status == TrialStatus.Paused) && Reports.Count > 0 ? new Observation(Number, Parameters, LastEpoch, Value ?? Reports[LastEpoch]) : null;
}
