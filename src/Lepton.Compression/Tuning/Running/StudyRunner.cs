using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tuning.Running;

/// <summary>Why a study session ended.</summary>
public enum StudyStop
{
    /// <summary>Every trial ran.</summary>
    Finished,

    /// <summary>The wall-clock budget ran out; running trials were interrupted and resume from scratch.</summary>
    Budget,

    /// <summary>Ctrl+C or SIGTERM; running trials resume from scratch.</summary>
    Cancelled,
}

/// <summary>
/// Runs a study's trials, <see cref="StudyOptions.Parallel"/> at a time, until every trial has run, the budget (counted over
/// every session of the study) is spent, or the token fires. A trial that throws is recorded failed and the study goes on.
/// </summary>
public static class StudyRunner
{
    public static async Task<StudyStop> RunAsync(IStudy study, ITrialObjective objective, CancellationToken ct = default)
    {
        using var budget = new CancellationTokenSource();
        if (study.Options.Budget is { } b)
        {
            var left = b - study.Elapsed;
            if (left <= TimeSpan.Zero) return StudyStop.Budget;
            budget.CancelAfter(left);
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, budget.Token);
        var token = linked.Token;
        var workers = Enumerable.Range(0, study.Options.Parallel)
            .Select(_ => Task.Factory.StartNew(() => WorkAsync(study, objective, token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap())
            .ToArray();
        await Task.WhenAll(workers);
        study.Save();
        if (ct.IsCancellationRequested) return StudyStop.Cancelled;
        return budget.IsCancellationRequested ? StudyStop.Budget : StudyStop.Finished;
    }

    private static async Task WorkAsync(IStudy study, ITrialObjective objective, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TrialRecord? trial;
            try
            {
                trial = study.Next(ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            if (trial is null) return;
            int number = trial.Number;
            string name = $"{study.Options.Name}-trial-{number}";
            var run = new TrialRun(number, name, study.Space, trial.Parameters, study.Halving.MaxEpochs,
                Path.Combine(study.Options.Directory, "trials", name), (epoch, value) => study.Report(number, epoch, value));
            // A shared study takes the trial back when this worker's lease on it lapsed: stop training it.
            using var trialToken = CancellationTokenSource.CreateLinkedTokenSource(ct, study.Lost(number));
            try
            {
                var result = await objective.RunAsync(run with { Restarts = trial.Restarts, ResumeEpoch = trial.ResumeEpoch }, trialToken.Token);
                if (result.Cancelled) study.Interrupt(number, result.RunId);
                else study.Finish(number, result);
            }
            catch (OperationCanceledException) when (trialToken.IsCancellationRequested)
            {
                study.Interrupt(number, null);
            }
            catch (Exception ex)
            {
                study.Fail(number, $"{ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
