using System.Text.Json.Serialization;

namespace Lepton.Compression.Tuning.Study;

/// <summary>
/// Everything a study must remember to resume: its settings (sampler, seed, trial count, epochs and halving, the space's
/// fingerprint, the metric), the time it has spent and every trial. Written whole and atomically after every report.
/// </summary>
public sealed class StudyState
{
    public const int CurrentFormat = 1;

    public int Format { get; set; } = CurrentFormat;

    public string Name { get; set; } = "";

    public string Sampler { get; set; } = "tpe";

    public ulong Seed { get; set; }

    /// <summary>Trials to run in all.</summary>
    public int TrialCount { get; set; }

    public int MinEpochs { get; set; }

    public int MaxEpochs { get; set; }

    public int Eta { get; set; }

    /// <summary>The metric maximised, e.g. <c>val_accuracy</c>.</summary>
    public string Metric { get; set; } = "val_accuracy";

    public string SpaceFingerprint { get; set; } = "";

    /// <summary>What the trials train (data, model, fixed options), so a resume with other settings is refused.</summary>
    public string Objective { get; set; } = "";

    /// <summary>Wall-clock seconds spent by every session of the study together (the budget counts these).</summary>
    public double ElapsedSeconds { get; set; }

    public List<TrialRecord> Trials { get; set; } = [];

    /// <summary>The model version the best trial was registered as (NAME@V), so a finished study resumed registers nothing twice.</summary>
    public string? Registered { get; set; }

    [JsonIgnore]
    public int EpochsSpent => Trials.Sum(t => t.LastEpoch);
}
