using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tests.Tuning;

public sealed class SuccessiveHalvingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tune-asha").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private static readonly SearchSpace X = new([SearchParameter.Float("x", 0, 1)]);

    // A random search over x in [0, 1] scored x + 0.01 * epoch, with rungs at 1 and 3 of 9 epochs (eta 3), run to the end.
    private async Task<(TuningStudy Study, FunctionObjective Objective)> RunAshaAsync(string name, int trials, ulong seed, int parallel = 1, int sleepMs = 0)
    {
        var objective = new FunctionObjective((p, epoch) => { if (sleepMs > 0) Thread.Sleep(sleepMs); return p["x"] + 0.01 * epoch; });
        var study = TuningStudy.Open(new StudyOptions(name, _root, Trials: trials, Parallel: parallel, Sampler: "random", Seed: seed,
            Halving: new SuccessiveHalving(1, 9, 3)), X, "function");
        Assert.Equal(StudyStop.Finished, await StudyRunner.RunAsync(study, objective));
        return (study, objective);
    }

    [Theory]
    [InlineData(1, 9, 3, new[] { 1, 3 })]
    [InlineData(1, 27, 3, new[] { 1, 3, 9 })]
    [InlineData(2, 16, 2, new[] { 2, 4, 8 })]
    [InlineData(5, 5, 3, new int[0])]
    public void Rungs_MinTimesEtaPowers_BelowMax(int min, int max, int eta, int[] expected) =>
        Assert.Equal(expected, new SuccessiveHalving(min, max, eta).Rungs);

    [Fact]
    public void Promote_TopThirdOfRung_GoesOn_RestStop()
    {
        var asha = new SuccessiveHalving(1, 9, 3);
        double[] rung = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
        Assert.True(asha.Promote(1, 0.6, rung));
        Assert.True(asha.Promote(1, 0.5, rung));
        Assert.False(asha.Promote(1, 0.4, rung));
        Assert.True(asha.Promote(1, 0.01, [0.01])); // alone at the rung: nothing to compare with yet
        Assert.True(asha.Promote(2, 0.0, rung)); // not a rung
    }

    [Fact]
    public async Task Study_AshaOnEpochs_StopsWorseTrialsEarly_BestTrainsFully()
    {
        // Score rises with x and a little with epochs; random search over x, 18 trials at 9 epochs with eta 3.
        var (study, objective) = await RunAshaAsync("asha", 18, 3);

        var state = study.Snapshot();
        Assert.All(state.Trials, t => Assert.True(t.IsFinished));
        var pruned = state.Trials.Where(t => t.Status == TrialStatus.Pruned).ToList();
        Assert.True(pruned.Count >= 9, $"only {pruned.Count} of 18 trials were stopped");
        Assert.All(pruned, t => Assert.Contains(t.LastEpoch, new[] { 1, 3 }));
        Assert.True(objective.EpochsTrained <= 18 * 9 / 2, $"{objective.EpochsTrained} epochs for 18 trials");
        // The best x of all trials is never stopped: it tops every rung it reaches.
        var bestX = state.Trials.MaxBy(t => t.Parameters["x"])!;
        Assert.Equal(TrialStatus.Completed, bestX.Status);
        Assert.Equal(bestX.Number, study.Best!.Number);
        Assert.Equal(9, bestX.LastEpoch);
        // Every stopped trial was beaten at its rung by another trial.
        foreach (var t in pruned)
        {
            var before = state.Trials.Where(o => o.Number != t.Number && o.Reports.ContainsKey(t.LastEpoch)).ToList();
            Assert.Contains(before, o => o.Reports[t.LastEpoch] > t.Value);
        }
    }

    private static TrialRecord Waiting(int number, int rung, double score) => new()
    {
        Number = number, Status = TrialStatus.Paused, Target = rung, Value = score,
        Reports = new(Enumerable.Range(1, rung).ToDictionary(e => e, e => e == rung ? score : 0.0)),
    };

    [Fact]
    public void Asha_FewerThanEtaAtRung_Waits_ThenBestWaitingGoesOn()
    {
        var asha = new SuccessiveHalving(1, 9, 3);
        var first = Waiting(0, 1, 0.5);
        var second = Waiting(1, 1, 0.7);
        List<TrialRecord> trials = [first, second];
        // Two trials at the first rung: 2 / 3 = 0 places.
        Assert.Null(asha.NextPromotion(trials));
        var third = new TrialRecord { Number = 2, Status = TrialStatus.Running, Target = 1, Reports = new() { [1] = 0.6 } };
        trials.Add(third);
        // The third makes one place; 0.7 holds it, so the third waits and the best waiting trial goes on.
        Assert.False(asha.Continues(third, 1, trials));
        Assert.Same(second, asha.NextPromotion(trials));
        second.Target = asha.NextTarget(1);
        Assert.Equal(3, second.Target);
        // The one place is taken: nobody else goes on until three more trials reach the rung.
        Assert.Null(asha.NextPromotion(trials));
        // Epochs below the trial's target are never compared; nor are epochs that are not rungs.
        Assert.True(asha.Continues(second, 2, trials));
        Assert.True(asha.Continues(new TrialRecord { Target = 9, Reports = new() { [1] = 0.0 } }, 1, trials));
    }

    [Fact]
    public void Asha_HigherRungFirst_FailedTrialsFreeTheirPlace()
    {
        var asha = new SuccessiveHalving(1, 9, 3);
        // Six at rung 1 (two places), three of them went on to rung 3 (one place there).
        var trials = Enumerable.Range(0, 6).Select(n => Waiting(n, 1, 0.1 * n)).ToList();
        foreach (var n in new[] { 3, 4, 5 })
        {
            trials[n] = Waiting(n, 3, 0.2 * n);
        }
        // Rung 1 counts the three that went on past it (targets 3 > 1): places 6 / 3 = 2, taken 3, so none there; rung 3
        // has one place, the best waiting trial at it takes it before any rung-1 trial.
        Assert.Same(trials[5], asha.NextPromotion(trials));
        trials[5].Target = 9;
        trials[5].Status = TrialStatus.Failed;
        // A failed trial neither holds a place nor counts at the rung: rung 3 now has two trials and no place.
        Assert.Null(asha.NextPromotion(trials));
    }

    [Fact]
    public async Task Study_Asha_FortyTrials_TrainAtMostQuarterOfFullEpochs_ResumingFromRungs()
    {
        var (study, objective) = await RunAshaAsync("asha40", 40, 5);

        var state = study.Snapshot();
        // 40 at rung 1, 40 / 3 = 13 go on to rung 3, 13 / 3 = 4 to the end; each epoch is trained once (waiting trials go
        // on from their checkpoints).
        Assert.Equal(40 + 13 * 2 + 4 * 6, objective.EpochsTrained);
        Assert.Equal(objective.EpochsTrained, state.EpochsSpent);
        Assert.Equal(4, state.Trials.Count(t => t.Status == TrialStatus.Completed));
        Assert.Equal(13, state.Trials.Count(t => t.LastEpoch >= 3));
        Assert.DoesNotContain(state.Trials, t => t.Status is TrialStatus.Paused or TrialStatus.Running);
        // A trial stopped at a rung found every place there taken: a third of the trials that reached it went on.
        foreach (var t in state.Trials.Where(t => t.Status == TrialStatus.Pruned))
        {
            int reached = state.Trials.Count(o => o.Reports.ContainsKey(t.LastEpoch));
            Assert.Equal(reached / 3, state.Trials.Count(o => o.LastEpoch > t.LastEpoch));
        }
        var completed = state.Trials.Where(t => t.Status == TrialStatus.Completed).ToList();
        Assert.All(completed, t => Assert.Equal(Enumerable.Range(1, 9), t.Reports.Keys));
        Assert.Equal(state.Trials.MaxBy(t => t.Parameters["x"])!.Number, study.Best!.Number);
        Assert.All(state.Trials.Where(t => t.Status == TrialStatus.Pruned), t => Assert.StartsWith("stopped at rung epoch", t.Message));
    }

    [Fact]
    public async Task Study_Asha_TwoAtOnce_SameEpochsNoTrialLeftWaiting()
    {
        var (study, objective) = await RunAshaAsync("asha-par", 40, 5, parallel: 2, sleepMs: 1);
        var state = study.Snapshot();
        Assert.Equal(90, objective.EpochsTrained);
        Assert.All(state.Trials, t => Assert.True(t.IsFinished, $"trial {t.Number} is {t.Status}"));
        Assert.Equal(state.Trials.MaxBy(t => t.Parameters["x"])!.Number, study.Best!.Number);
    }

    [Fact]
    public async Task Study_Asha_BudgetEndsWithTrialsWaiting_ResumeLetsThemGoOn()
    {
        var options = new StudyOptions("asha-stop", _root, Trials: 12, Sampler: "random", Seed: 2, Halving: new SuccessiveHalving(1, 9, 3));
        using var stop = new CancellationTokenSource();
        var first = TuningStudy.Open(options, X, "function");
        var objective = new FunctionObjective((p, epoch) => p["x"] + 0.01 * epoch)
        {
            AfterEpoch = (trial, epoch) => { if (trial == 9) stop.Cancel(); },
        };
        Assert.Equal(StudyStop.Cancelled, await StudyRunner.RunAsync(first, objective, stop.Token));
        var saved = StudyFile.TryLoad(first.FilePath)!;
        Assert.Contains(saved.Trials, t => t.Status == TrialStatus.Paused);

        var resumed = TuningStudy.Open(options, X, "function");
        var second = new FunctionObjective((p, epoch) => p["x"] + 0.01 * epoch);
        Assert.Equal(StudyStop.Finished, await StudyRunner.RunAsync(resumed, second));
        var state = resumed.Snapshot();
        Assert.All(state.Trials, t => Assert.True(t.IsFinished, $"trial {t.Number} is {t.Status}"));
        // 12 at rung 1, 4 to rung 3, 1 to the end, whatever the session that trained each epoch.
        Assert.Equal(12 + 4 * 2 + 1 * 6, state.EpochsSpent);
    }

    [Fact]
    public async Task Study_MinEqualsMax_NoTrialStops()
    {
        var objective = new FunctionObjective((p, epoch) => p["x"]);
        var study = TuningStudy.Open(new StudyOptions("full", _root, Trials: 6, Sampler: "random", Halving: new SuccessiveHalving(3, 3, 3)), X, "function");
        await StudyRunner.RunAsync(study, objective);
        Assert.All(study.Snapshot().Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(18, objective.EpochsTrained);
    }
}
