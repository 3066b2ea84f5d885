using Lepton.Factory.Loop;
using Lepton.Registry.Store;

namespace Lepton.Factory.Tests.Loop;

public sealed class LoopTriggerTests
{
    private sealed class ManualTime(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static NewLoopDecision Decision() => new(LoopTestBed.Model, "trigger", "manual", 1, null, "test", "{}", "t");

    [Fact]
    public async Task Runs_when_forced_and_not_otherwise_without_alerts_or_schedule()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        var trigger = new LoopTrigger(bed.Store);
        Assert.True(await trigger.ShouldRunAsync(LoopTestBed.Model, force: true));
        var check = await trigger.CheckAsync(LoopTestBed.Model);
        Assert.Equal(new TriggerCheck(false, "no alert has fired for this model", "none"), check);
    }

    [Fact]
    public async Task An_alert_newer_than_the_last_decision_triggers_and_an_older_one_does_not()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        var trigger = new LoopTrigger(bed.Store);
        await bed.Store.AddAlertEventAsync(LoopTestBed.Model, 1, "accuracy < 0.85 over 50 labels", 0.6, 0.85, "live accuracy 0.60", DateTimeOffset.UtcNow.AddMinutes(-5));
        var check = await trigger.CheckAsync(LoopTestBed.Model);
        Assert.True(check.ShouldRun);
        Assert.Equal("alert", check.Kind);
        Assert.Contains("accuracy < 0.85 over 50 labels", check.Reason);

        await bed.Store.AddLoopDecisionAsync(Decision());
        Assert.False(await trigger.ShouldRunAsync(LoopTestBed.Model));
        await bed.Store.AddAlertEventAsync(LoopTestBed.Model, 1, "drift.psi > 0.2", 0.5, 0.2, "input drift");
        Assert.True(await trigger.ShouldRunAsync(LoopTestBed.Model));
        // Alerts of other models do not count.
        await bed.Store.AddLoopDecisionAsync(Decision());
        await bed.Store.AddAlertEventAsync("other", 1, "p99 > 50ms", 80, 50, "slow");
        Assert.False(await trigger.ShouldRunAsync(LoopTestBed.Model));
    }

    [Fact]
    public async Task The_schedule_triggers_once_the_interval_has_passed_since_the_last_decision()
    {
        await using var bed = await LoopTestBed.CreateAsync(withChampion: false);
        var time = new ManualTime(DateTimeOffset.UtcNow);
        var trigger = new LoopTrigger(bed.Store, time);
        Assert.Equal("schedule", (await trigger.CheckAsync(LoopTestBed.Model, TimeSpan.FromHours(1))).Kind);
        var last = await bed.Store.AddLoopDecisionAsync(Decision());
        time.Now = last.At.AddMinutes(59);
        Assert.False(await trigger.ShouldRunAsync(LoopTestBed.Model, TimeSpan.FromHours(1)));
        time.Now = last.At.AddMinutes(60);
        Assert.True(await trigger.ShouldRunAsync(LoopTestBed.Model, TimeSpan.FromHours(1)));
    }
}
