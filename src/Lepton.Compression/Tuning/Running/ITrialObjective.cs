using Lepton.Compression.Tuning.Space;

namespace Lepton.Compression.Tuning.Running;

/// <summary>
/// Trains one trial: up to <see cref="TrialRun.MaxEpochs"/> epochs with its parameters, calling <see cref="TrialRun.Report"/>
/// after every epoch and stopping when it answers false; a trial with <see cref="TrialRun.ResumeEpoch"/> goes on from the
/// checkpoint it left in its folder at that epoch. Cancellation (Ctrl+C, the budget) ends it between batches.
/// </summary>
public interface ITrialObjective
{
    /// <summary>What the trials train, in words; a resumed study must train the same.</summary>
    string Describe();

    Task<TrialResult> RunAsync(TrialRun trial, CancellationToken ct);
}

/// <summary>One trial handed to an objective: its number and name, parameters, epochs, folder and the report hook.</summary>
public sealed record TrialRun(
    int Number,
    string Name,
    SearchSpace Space,
    IReadOnlyDictionary<string, double> Parameters,
    int MaxEpochs,
    string Directory,
    Func<int, double, bool> Report)
{
    /// <summary>How often this trial started before and was cut short (a crash, Ctrl+C, a lost lease); its earlier runs may still read running.</summary>
    public int Restarts { get; init; }

    /// <summary>
    /// The epoch this trial waited at and now goes on from (its folder holds that epoch's checkpoint), so the first epoch
    /// to train is the next one; 0 for a trial that starts from scratch. Without the checkpoint it trains from scratch.
    /// </summary>
    public int ResumeEpoch { get; init; }
}

/// <summary>What a trial left: its registry run and model folder (when it has them) and whether it was cut short by cancellation.</summary>
public sealed record TrialResult(string? RunId = null, string? ModelDirectory = null, bool Cancelled = false)
{
    /// <summary>Further numbers to keep with the trial (e.g. its test accuracy).</summary>
    public IReadOnlyDictionary<string, double> Metrics { get; init; } = new Dictionary<string, double>();
}
