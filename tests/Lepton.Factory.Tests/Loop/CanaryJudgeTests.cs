using Lepton.Factory.Loop;

namespace Lepton.Factory.Tests.Loop;

/// <summary>
/// Timing tests run alone: while other classes train models on every core, the thread pool can hold a 50 ms delay's
/// continuation past the whole canary window, and the watch would then have nothing to report.
/// </summary>
[CollectionDefinition(nameof(CanaryJudgeTests), DisableParallelization = true)]
public sealed class CanaryJudgeTimingCollection;

[Collection(nameof(CanaryJudgeTests))]
public sealed class CanaryJudgeTests
{
    private static readonly LoopPolicy Policy = new()
    {
        Model = "m", CanaryMinRequests = 50, CanaryMinLabels = 20, MaxErrorRateIncrease = 0.01, MaxAccuracyDrop = 0.02,
    };

    private static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static CanaryObservation Obs(VersionHealth champion, VersionHealth canary) => new(champion, canary, T0, T0.AddMinutes(10));

    private static readonly VersionHealth Champion = new(1, 900, 9, 0.01, 100, 0.90);

    [Fact]
    public void Promotes_a_canary_that_is_as_good_as_the_champion()
    {
        var j = CanaryJudge.Judge(Policy, Obs(Champion, new VersionHealth(2, 100, 1, 0.01, 25, 0.89)));
        Assert.Equal(CanaryVerdict.Promote, j.Verdict);
        Assert.Equal("The canary v2 held up over 100 requests: error rate 1.00% vs champion 1.00% (allowed up to 2.00%); " +
                     "live accuracy 0.890 on 25 labels vs champion 0.900 on 100 (allowed down to 0.880).", j.Reason);
    }

    [Fact]
    public void A_regressor_canary_is_judged_on_live_RMSE_as_a_share_of_the_champions()
    {
        // Allowed drop 0.02: the canary's live RMSE may be at most 2% above the champion's 10,000.
        var champion = new VersionHealth(1, 900, 9, 0.01, 100, null, Rmse: 10_000);
        var within = CanaryJudge.Judge(Policy, Obs(champion, new VersionHealth(2, 100, 1, 0.01, 25, null, Rmse: 10_150)));
        Assert.Equal(CanaryVerdict.Promote, within.Verdict);
        Assert.Contains("live RMSE 10,150 on 25 labels vs champion 10,000 on 100 (allowed up to 10,200)", within.Reason);
        var worse = CanaryJudge.Judge(Policy, Obs(champion, new VersionHealth(2, 100, 1, 0.01, 25, null, Rmse: 10_500)));
        Assert.Equal(CanaryVerdict.Rollback, worse.Verdict);
        Assert.StartsWith("The canary v2 errs more live", worse.Reason);
    }

    [Fact]
    public void A_regressor_trained_with_another_loss_is_judged_on_that_loss_live()
    {
        // Both 0.9 quantile models: the canary's RMSE is lower, but its pinball loss is 5% above the champion's: rolled back.
        const string metric = "pinball loss (q = 0.9)";
        var champion = new VersionHealth(1, 900, 9, 0.01, 100, null, Rmse: 12) { LossMetric = metric, LossValue = 2.0 };
        var canary = new VersionHealth(2, 100, 1, 0.01, 25, null, Rmse: 10) { LossMetric = metric, LossValue = 2.1 };
        var j = CanaryJudge.Judge(Policy, Obs(champion, canary));
        Assert.Equal(CanaryVerdict.Rollback, j.Verdict);
        Assert.StartsWith("The canary v2 errs more live: live pinball loss (q = 0.9) ", j.Reason);
        Assert.Contains("on 25 labels vs champion", j.Reason);
        // Models trained with different losses fall back to RMSE, the one error both answer.
        var squared = new VersionHealth(2, 100, 1, 0.01, 25, null, Rmse: 10);
        var fallback = CanaryJudge.Judge(Policy, Obs(champion, squared));
        Assert.Contains("live RMSE ", fallback.Reason);
        Assert.Equal(CanaryVerdict.Promote, fallback.Verdict);
    }

    [Fact]
    public void Too_few_canary_requests_roll_back()
    {
        var j = CanaryJudge.Judge(Policy, Obs(Champion, new VersionHealth(2, 49, 0, 0, 0, null)));
        Assert.Equal(CanaryVerdict.Rollback, j.Verdict);
        Assert.StartsWith("The canary v2 served only 49 requests in the window (< 50 needed)", j.Reason);
    }

    [Fact]
    public void A_higher_error_rate_than_allowed_rolls_back()
    {
        // 3 errors in 100 = 3% > 1% + 1%.
        var j = CanaryJudge.Judge(Policy, Obs(Champion, new VersionHealth(2, 100, 3, 0.03, 25, 0.95)));
        Assert.Equal(CanaryVerdict.Rollback, j.Verdict);
        Assert.Equal("The canary v2 fails more often: error rate 3.00% vs champion 1.00% (allowed up to 2.00%).", j.Reason);
    }

    [Fact]
    public void A_live_accuracy_drop_beyond_the_allowed_rolls_back()
    {
        var j = CanaryJudge.Judge(Policy, Obs(Champion, new VersionHealth(2, 100, 1, 0.01, 25, 0.87)));
        Assert.Equal(CanaryVerdict.Rollback, j.Verdict);
        Assert.StartsWith("The canary v2 is less accurate live: live accuracy 0.870 on 25 labels vs champion 0.900 on 100 (allowed down to 0.880)", j.Reason);
    }

    [Fact]
    public void Accuracy_is_not_compared_without_enough_labels_on_both_sides()
    {
        var j = CanaryJudge.Judge(Policy, Obs(Champion with { Labels = 19 }, new VersionHealth(2, 100, 1, 0.01, 25, 0.10)));
        Assert.Equal(CanaryVerdict.Promote, j.Verdict);
        Assert.Contains("live accuracy not compared (labels: canary 25, champion 19; 20 each needed)", j.Reason);
    }

    [Fact]
    public async Task Watch_waits_the_window_polling_then_judges_the_whole_window()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        var observer = new CannedCanaryObserver(Champion, new VersionHealth(0, 100, 0, 0, 0, null));
        // A window 16 polls long, so a loaded machine that stretches a poll's delay still leaves progress to report.
        var policy = Policy with { CanaryWindow = TimeSpan.FromMilliseconds(800), CanaryPollInterval = TimeSpan.FromMilliseconds(50) };
        var lines = new List<string>();
        var started = DateTimeOffset.UtcNow;
        var j = await new CanaryJudge(bed.Registry, observer).WatchAsync(policy, 1, 2, new SyncProgress(lines.Add));
        Assert.True(DateTimeOffset.UtcNow - started >= TimeSpan.FromMilliseconds(790));
        Assert.Equal(CanaryVerdict.Promote, j.Verdict);
        Assert.True(j.Observation.To - j.Observation.From >= TimeSpan.FromMilliseconds(790));
        Assert.Contains(lines, l => l.StartsWith("  canary so far: 100 requests"));
    }

    [Fact]
    public async Task Watch_is_cancellable()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        var observer = new CannedCanaryObserver(Champion, Champion);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new CanaryJudge(bed.Registry, observer).WatchAsync(Policy with { CanaryWindow = TimeSpan.FromMinutes(5) }, 1, 2, null, cts.Token));
    }

    [Fact]
    public async Task Rollback_moves_staging_back_to_its_previous_version_and_leaves_production()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.RegisterChampionAsync(); // v2, now production
        await bed.RegisterChampionAsync(); // v3, now production
        await bed.Registry.PromoteAsync(LoopTestBed.Model, 1, "staging", "t");
        await bed.Registry.PromoteAsync(LoopTestBed.Model, 3, "staging", "t");
        var judge = new CanaryJudge(bed.Registry, new CannedCanaryObserver(Champion, Champion));
        var policy = Policy with { Model = LoopTestBed.Model };
        await judge.ApplyAsync(policy, CanaryVerdict.Rollback, 2, 3, "t");
        Assert.Equal(1, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "staging"))!.Version);
        Assert.Equal(3, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);
        await judge.ApplyAsync(policy, CanaryVerdict.Promote, 3, 1, "t");
        Assert.Equal(1, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);
    }
}
