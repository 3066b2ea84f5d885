using Lepton.Compression.Tuning.Running;

namespace Lepton.Compression.Tests.Tuning;

/// <summary>A trial that "trains" by evaluating score(parameters, epoch) after each epoch: the cheap stand-in for a network.</summary>
internal sealed class FunctionObjective(Func<IReadOnlyDictionary<string, double>, int, double> score) : ITrialObjective
{
    private int _epochs;

    /// <summary>Epochs trained over every trial, restarts included.</summary>
    public int EpochsTrained => _epochs;

    /// <summary>Called after each epoch's report with (trial, epoch); may cancel to simulate an interruption.</summary>
    public Action<int, int>? AfterEpoch { get; init; }

    public string Describe() => "function";

    public Task<TrialResult> RunAsync(TrialRun trial, CancellationToken ct)
    {
        for (int epoch = trial.ResumeEpoch + 1; epoch <= trial.MaxEpochs; epoch++)
        {
            if (ct.IsCancellationRequested) return Task.FromResult(new TrialResult(Cancelled: true));
            Interlocked.Increment(ref _epochs);
            bool goOn = trial.Report(epoch, score(trial.Parameters, epoch));
            AfterEpoch?.Invoke(trial.Number, epoch);
            if (!goOn) break;
        }
        return Task.FromResult(new TrialResult(RunId: $"run-{trial.Number}", ModelDirectory: trial.Directory));
    }
}
