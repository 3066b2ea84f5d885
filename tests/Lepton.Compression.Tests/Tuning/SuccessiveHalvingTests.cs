using Lepton.Compression.Tuning.Running;
using Lepton.Compression.Tuning.Scheduling;
using Lepton.Compression.Tuning.Space;
using Lepton.Compression.Tuning.Study;

namespace Lepton.Compression.Tests.Tuning;

public sealed class SuccessiveHalvingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tune-asha").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

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
        var space = new SearchSpace([SearchParameter.Float("x", 0, 1)]);
        var objective = new FunctionObjective((p, epoch) => p["x"] + 0.01 * epoch);
        var study = TuningStudy.Open(new StudyOptions("asha", _root, Trials: 18, Sampler: "random", Seed: 3, Halving: new SuccessiveHalving(1, 9, 3)), space, "function");
        Assert.Equal(StudyStop.Finished, await StudyRunner.RunAsync(study, objective));

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

    [Fact]
    public async Task Study_MinEqualsMax_NoTrialStops()
    {
        var space = new SearchSpace([SearchParameter.Float("x", 0, 1)]);
        var objective = new FunctionObjective((p, epoch) => p["x"]);
        var study = TuningStudy.Open(new StudyOptions("full", _root, Trials: 6, Sampler: "random", Halving: new SuccessiveHalving(3, 3, 3)), space, "function");
        await StudyRunner.RunAsync(study, objective);
        Assert.All(study.Snapshot().Trials, t => Assert.Equal(TrialStatus.Completed, t.Status));
        Assert.Equal(18, objective.EpochsTrained);
    }
}
