using System.Text.Json;
using Lepton.Factory.Loop;
using Lepton.Registry.Store;

namespace Lepton.Factory.Tests.Loop;

public sealed class ClosedLoopTests
{
    /// <summary>Small and quick: 300 base examples + 3 x ~100 feedback examples, an MLP of 64-32-3, a few epochs.</summary>
    internal static LoopPolicy Policy(TimeSpan? canary = null) => new()
    {
        Model = LoopTestBed.Model,
        ReportFolder = Path.Combine(AppContext.BaseDirectory, "loop-reports", Guid.NewGuid().ToString("N")),
        BaseData = "synthetic",
        Epochs = 8,
        BatchSize = 32,
        LearningRate = 0.01,
        Seed = 5,
        BaseSampleSize = 300,
        FeedbackRepeat = 3,
        MinFeedback = 50,
        BaseTestSize = 150,
        CanaryWindow = canary ?? TimeSpan.Zero,
        CanaryPollInterval = TimeSpan.FromMilliseconds(50),
        CanaryMinRequests = 20,
        CanaryMinLabels = 10,
    };

    [Fact]
    public async Task Drifted_feedback_trains_a_challenger_that_beats_the_champion_and_is_promoted()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        var lines = new List<string>();
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(Policy(), "tester", new SyncProgress(lines.Add), CancellationToken.None);

        Assert.Equal(LoopResult.Promoted, outcome.Result);
        var eval = outcome.Evaluation!;
        // The champion never saw inverted images: it is mostly wrong on them; the challenger learned them.
        Assert.True(eval.ChampionHoldout!.Accuracy < 0.6, $"champion holdout accuracy {eval.ChampionHoldout.Accuracy}");
        Assert.True(eval.ChallengerHoldout!.Accuracy > 0.9, $"challenger holdout accuracy {eval.ChallengerHoldout.Accuracy}");
        Assert.True(eval.ChallengerBaseTest.Accuracy > 0.9, $"challenger base accuracy {eval.ChallengerBaseTest.Accuracy}");
        Assert.Equal(GateVerdict.Promote, outcome.Gate!.Verdict);

        int challenger = outcome.ChallengerVersion!.Value;
        Assert.Equal(bed.ChampionVersion + 1, challenger);
        Assert.Equal(challenger, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);

        // Lineage: the challenger points at its run and the feedback dataset version, which points at the base data.
        var version = (await bed.Store.GetModelVersionAsync(LoopTestBed.Model, challenger))!;
        Assert.Equal("shapes-feedback@1", version.DatasetRef);
        var run = (await bed.Store.GetRunAsync(version.RunId!))!;
        Assert.Equal(RunStatus.Completed, run.Status);
        Assert.Equal("shapes-feedback@1", run.DatasetRef);
        Assert.Equal(8, (await bed.Store.GetRunMetricsAsync(run.Id)).Where(m => m.Key == "loss").Count());
        var dataset = (await bed.Store.GetDatasetVersionAsync("shapes-feedback", 1))!;
        Assert.Equal("synthetic@1", JsonDocument.Parse(dataset.ManifestJson).RootElement.GetProperty("base_dataset").GetString());

        // Every step is in the store, oldest first: trigger, dataset, train, evaluate, gate, promote.
        var decisions = (await bed.Store.ListLoopDecisionsAsync(LoopTestBed.Model)).Reverse().ToList();
        Assert.Equal(["trigger", "dataset", "train", "evaluate", "gate", "promote"], decisions.Select(d => d.Step));
        Assert.Equal("pass", decisions[4].Decision);
        Assert.Contains("Canary skipped", decisions[5].Reason);
        Assert.All(decisions, d => Assert.Equal(bed.ChampionVersion, d.ChampionVersion));
        var numbers = JsonDocument.Parse(decisions[3].NumbersJson).RootElement;
        Assert.Equal(eval.ChallengerHoldout.Accuracy, numbers.GetProperty("challenger_holdout").GetProperty("accuracy").GetDouble(), 9);

        // The evaluate decision links to the comparison report on the feedback holdout, with its paired test.
        string report = numbers.GetProperty("report").GetString()!;
        Assert.Equal(report, eval.Report);
        Assert.Contains(report, decisions[3].Reason);
        Assert.EndsWith($"v{bed.ChampionVersion}-vs-v{challenger}.html", report);
        string html = File.ReadAllText(report);
        Assert.Contains("McNemar", html);
        Assert.Contains($"{LoopTestBed.Model}@{challenger}", html);
        Assert.Contains(lines, l => l.Contains("epoch 8"));

        // The challenger's reference profile describes the new mix, which now holds bright (inverted) images too.
        var champRef = Lepton.Data.Profiles.ReferenceProfile.Load((await bed.Registry.ResolveAsync("shapes@1")).Folder)!;
        var challRef = Lepton.Data.Profiles.ReferenceProfile.Load((await bed.Registry.ResolveAsync($"shapes@{challenger}")).Folder)!;
        Assert.True(challRef.Inputs["mean"].Sample.Max() > champRef.Inputs["mean"].Sample.Max() + 50);
    }

    [Fact]
    public async Task A_calibrated_champions_challenger_is_calibrated_the_same_way_and_given_sets_at_the_same_level_on_the_base_test_sample()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        await bed.RegisterChampionAsync(temperature: 1.7, setLevel: 0.8);
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        var lines = new List<string>();
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(Policy(), "tester", new SyncProgress(lines.Add), CancellationToken.None);

        var folder = (await bed.Registry.ResolveAsync($"{LoopTestBed.Model}@{outcome.ChallengerVersion!.Value}")).Folder;
        var calibration = Lepton.Runtime.Calibration.ProbabilityCalibration.Load(folder)!;
        Assert.Equal("temperature", calibration.Method);
        Assert.StartsWith("the loop's base test sample", calibration.Source);
        var t = Assert.IsType<Lepton.Runtime.Calibration.TemperatureScaling>(Assert.Single(calibration.Maps)).Temperature;
        Assert.NotEqual(1.7, t); // fitted to the challenger, not copied
        Assert.Contains(lines, l => l.Contains("calibrated the challenger as the champion was"));
        var sets = Lepton.Runtime.Conformal.ConformalIntervals.Load(folder)!;
        Assert.Equal((0.8, "probability"), (sets.Level, sets.Score));
        Assert.Equal(calibration.Source, sets.Source);
        Assert.NotEqual(0.5, sets.Quantile); // fitted to the challenger's calibrated probabilities, not copied
        Assert.Contains(lines, l => l.Contains("gave the challenger prediction sets as the champion had"));
        Assert.Equal("temperature", JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "model.json"))).RootElement
            .GetProperty("metadata").GetProperty("calibration").GetProperty("method").GetString());
        // An uncalibrated champion's challenger stays uncalibrated.
        await using var plain = await LoopTestBed.CreateAsync();
        await plain.AddDriftedFeedbackAsync(150, seed: 11);
        var second = await new ClosedLoop(plain.Registry, plain.BaseData).RunOnceAsync(Policy(), "tester", null, CancellationToken.None);
        var plainFolder = (await plain.Registry.ResolveAsync($"{LoopTestBed.Model}@{second.ChallengerVersion!.Value}")).Folder;
        Assert.Null(Lepton.Runtime.Calibration.ProbabilityCalibration.Load(plainFolder));
        Assert.Null(Lepton.Runtime.Conformal.ConformalIntervals.Load(plainFolder));
    }

    [Fact]
    public async Task A_worse_challenger_is_not_promoted_and_the_reason_is_recorded()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        // Fresh weights barely moved (one epoch at a learning rate of 1e-7): close to guessing, though still better than the
        // champion on the inverted images, so it is the base test set's gates that must keep it out.
        var policy = Policy() with { Mode = LoopMode.Scratch, LearningRate = 1e-7, Epochs = 1, MinAccuracy = 0.8 };
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(policy, "tester", null, CancellationToken.None);

        Assert.True(outcome.Result == LoopResult.Kept, outcome.Gate?.Reason);
        Assert.Equal(bed.ChampionVersion, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);
        Assert.Null(await bed.Store.GetAliasAsync(LoopTestBed.Model, "staging"));
        var decisions = (await bed.Store.ListLoopDecisionsAsync(LoopTestBed.Model)).Reverse().ToList();
        Assert.Equal(["trigger", "dataset", "train", "evaluate", "gate", "keep"], decisions.Select(d => d.Step));
        Assert.Equal("fail", decisions[4].Decision);
        Assert.StartsWith($"Keep champion v{bed.ChampionVersion} over challenger v{outcome.ChallengerVersion}:", decisions[5].Reason);
        Assert.Contains("base test accuracy", decisions[5].Reason);
        Assert.Contains("< minimum 0.800", decisions[5].Reason);
        Assert.Contains("recall on base test dropped", decisions[5].Reason);
        Assert.Contains(outcome.Gate!.Checks, c => c.Name == "min_accuracy" && !c.Passed);
    }

    [Fact]
    public async Task Too_little_usable_feedback_skips_training_and_says_why()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(30, seed: 11);
        await bed.AddDriftedFeedbackAsync(40, seed: 12, rawInputs: false);
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(Policy(), "tester", null, CancellationToken.None);

        Assert.Equal(LoopResult.Skipped, outcome.Result);
        Assert.Single(await bed.Store.ListModelVersionsAsync(LoopTestBed.Model));
        Assert.Empty(await bed.Store.ListDatasetVersionsAsync("shapes-feedback"));
        var last = (await bed.Store.ListLoopDecisionsAsync(LoopTestBed.Model, 1))[0];
        Assert.Equal(("dataset", "skipped"), (last.Step, last.Decision));
        Assert.Equal("Only 30 usable labelled examples (70 labels, 40 without a sampled raw input, 0 with an unknown label, 0 duplicates); 50 are needed, so nothing was trained.",
            last.Reason);
    }

    [Fact]
    public async Task An_alert_without_new_feedback_does_not_retrain_on_the_same_data_but_a_manual_run_does()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        var loop = new ClosedLoop(bed.Registry, bed.BaseData);
        var policy = Policy() with { Mode = LoopMode.Scratch, LearningRate = 1e-7, Epochs = 1 }; // kept, so the drift alert keeps firing
        Assert.Equal(LoopResult.Kept, (await loop.RunOnceAsync(policy, "tester", null, CancellationToken.None)).Result);
        var alert = new TriggerCheck(true, "alert 'accuracy < 0.85' fired", "alert");

        var again = await loop.RunOnceAsync(policy, alert, "tester", null, CancellationToken.None);
        Assert.Equal(LoopResult.Skipped, again.Result);
        Assert.Equal("No new feedback since shapes@2 was trained on shapes-feedback@1; waiting for more labels (run by hand to retrain anyway).", again.Reason);
        Assert.Equal(2, (await bed.Store.ListModelVersionsAsync(LoopTestBed.Model)).Count);

        Assert.Equal(LoopResult.Kept, (await loop.RunOnceAsync(policy, "tester", null, CancellationToken.None)).Result);
        await bed.AddDriftedFeedbackAsync(30, seed: 12);
        Assert.Equal(LoopResult.Kept, (await loop.RunOnceAsync(policy, alert, "tester", null, CancellationToken.None)).Result);
        Assert.Equal(4, (await bed.Store.ListModelVersionsAsync(LoopTestBed.Model)).Count);
    }

    [Fact]
    public async Task Cancelling_during_training_registers_no_version()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(line => { if (line.Contains("epoch 1:")) cts.Cancel(); });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(Policy(), "tester", progress, cts.Token));

        Assert.Single(await bed.Store.ListModelVersionsAsync(LoopTestBed.Model));
        var runs = await bed.Store.ListRunsAsync();
        Assert.Equal(RunStatus.Cancelled, Assert.Single(runs).Status);
        var last = (await bed.Store.ListLoopDecisionsAsync(LoopTestBed.Model, 1))[0];
        Assert.Equal(("train", "cancelled"), (last.Step, last.Decision));
    }

    [Fact]
    public async Task A_good_canary_is_promoted_to_production_after_the_window()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        var observer = new CannedCanaryObserver(new(0, 500, 2, 0.004, 100, 0.55), new(0, 60, 0, 0.0, 12, 0.95));
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData, observer)
            .RunOnceAsync(Policy(TimeSpan.FromMilliseconds(200)), "tester", null, CancellationToken.None);

        Assert.Equal(LoopResult.Promoted, outcome.Result);
        int challenger = outcome.ChallengerVersion!.Value;
        Assert.Equal(challenger, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);
        Assert.Equal(challenger, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "staging"))!.Version);
        Assert.Equal((bed.ChampionVersion, challenger), observer.LastVersions);
        var decisions = (await bed.Store.ListLoopDecisionsAsync(LoopTestBed.Model)).Reverse().ToList();
        Assert.Equal(["trigger", "dataset", "train", "evaluate", "gate", "canary", "canary", "promote"], decisions.Select(d => d.Step));
        Assert.Equal(["started", "pass"], decisions.Where(d => d.Step == "canary").Select(d => d.Decision));
    }

    [Fact]
    public async Task A_canary_with_more_errors_is_rolled_back_and_production_is_kept()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        var observer = new CannedCanaryObserver(new(0, 500, 2, 0.004, 100, 0.55), new(0, 60, 6, 0.1, 12, 0.95));
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData, observer)
            .RunOnceAsync(Policy(TimeSpan.FromMilliseconds(100)), "tester", null, CancellationToken.None);

        Assert.Equal(LoopResult.RolledBack, outcome.Result);
        Assert.Equal(bed.ChampionVersion, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);
        // Staging had no earlier version, so it goes back to the champion and the canary gets no more traffic.
        Assert.Equal(bed.ChampionVersion, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "staging"))!.Version);
        var last = (await bed.Store.ListLoopDecisionsAsync(LoopTestBed.Model, 1))[0];
        Assert.Equal("rollback", last.Step);
        Assert.Contains("error rate 10.00% vs champion 0.40% (allowed up to 1.40%)", last.Reason);
    }
}

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, which would race the assertions).</summary>
internal sealed class SyncProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}

/// <summary>Fixed canary numbers (versions filled in from the call), remembering which versions were asked about.</summary>
internal sealed class CannedCanaryObserver(VersionHealth champion, VersionHealth canary) : ICanaryObserver
{
    public (int Champion, int Canary) LastVersions { get; private set; }

    public Task<CanaryObservation> ObserveAsync(string model, int championVersion, int canaryVersion, DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        LastVersions = (championVersion, canaryVersion);
        return Task.FromResult(new CanaryObservation(champion with { Version = championVersion }, canary with { Version = canaryVersion }, from, to));
    }
}
