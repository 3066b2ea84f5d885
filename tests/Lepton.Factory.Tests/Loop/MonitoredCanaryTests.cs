using Lepton.Factory.Loop;

namespace Lepton.Factory.Tests.Loop;

/// <summary>The canary judged from the real monitoring report over traffic records logged for both versions during the window.</summary>
public sealed class MonitoredCanaryTests
{
    // The window leaves a loaded machine time to write both versions' traffic (one fsync per feedback record) before it closes.
    private static LoopPolicy Policy() => ClosedLoopTests.Policy(TimeSpan.FromSeconds(4)) with { CanaryPollInterval = TimeSpan.FromMilliseconds(250) };

    /// <summary>Waits for the loop to put the challenger on staging, then logs traffic for champion and canary.</summary>
    private static async Task SimulateTrafficAsync(LoopTestBed bed, (int Requests, int Errors, int Labels, int Correct) champion,
        (int Requests, int Errors, int Labels, int Correct) canary, CancellationToken ct)
    {
        while (await bed.Store.GetAliasAsync(LoopTestBed.Model, "staging", ct) is null) await Task.Delay(20, ct);
        int canaryVersion = (await bed.Store.GetAliasAsync(LoopTestBed.Model, "staging", ct))!.Version;
        await Task.Delay(200, ct);
        await bed.AddTrafficAsync(bed.ChampionVersion, champion.Requests, champion.Errors, champion.Labels, champion.Correct);
        await bed.AddTrafficAsync(canaryVersion, canary.Requests, canary.Errors, canary.Labels, canary.Correct);
    }

    [Fact]
    public async Task A_canary_that_serves_well_is_promoted_from_the_monitoring_numbers()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var traffic = SimulateTrafficAsync(bed, (90, 1, 40, 22), (30, 0, 15, 14), cts.Token);
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(Policy(), "tester", null, cts.Token);
        await traffic;

        Assert.True(outcome.Result == LoopResult.Promoted, outcome.Reason);
        var seen = outcome.Canary!.Observation;
        Assert.Equal((90L, 1L, 40), (seen.Champion.Requests, seen.Champion.Errors, seen.Champion.Labels));
        Assert.Equal((30L, 0L, 15), (seen.Canary.Requests, seen.Canary.Errors, seen.Canary.Labels));
        Assert.Equal(22.0 / 40, seen.Champion.Accuracy!.Value, 9);
        Assert.Equal(14.0 / 15, seen.Canary.Accuracy!.Value, 9);
        Assert.Equal(outcome.ChallengerVersion, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);
    }

    [Fact]
    public async Task A_canary_that_fails_requests_is_rolled_back_from_the_monitoring_numbers()
    {
        await using var bed = await LoopTestBed.CreateAsync();
        await bed.AddDriftedFeedbackAsync(150, seed: 11);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var traffic = SimulateTrafficAsync(bed, (90, 0, 40, 22), (30, 6, 15, 14), cts.Token);
        var outcome = await new ClosedLoop(bed.Registry, bed.BaseData).RunOnceAsync(Policy(), "tester", null, cts.Token);
        await traffic;

        Assert.Equal(LoopResult.RolledBack, outcome.Result);
        Assert.Contains("error rate 20.00% vs champion 0.00% (allowed up to 1.00%)", outcome.Reason);
        Assert.Equal(bed.ChampionVersion, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "production"))!.Version);
        Assert.Equal(bed.ChampionVersion, (await bed.Store.GetAliasAsync(LoopTestBed.Model, "staging"))!.Version);
    }
}
