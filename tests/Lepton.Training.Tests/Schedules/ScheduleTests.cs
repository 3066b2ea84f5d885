using Lepton.Training.Schedules;

namespace Lepton.Training.Tests.Schedules;

/// <summary>Learning-rate schedules against torch.optim.lr_scheduler values (fixture) and closed forms.</summary>
public sealed class ScheduleTests
{
    private static readonly System.Text.Json.JsonElement S = Fixture.Root.GetProperty("schedules");

    private static void AssertSchedule(ILearningRateSchedule schedule, string name)
    {
        var expected = Fixture.Doubles(S.GetProperty(name).GetProperty("lrs"));
        var actual = Enumerable.Range(0, expected.Length).Select(schedule.LearningRateAt).ToArray();
        Fixture.AssertClose(expected, actual, 1e-9, 1e-12, name);
    }

    [Fact]
    public void StepMatchesPyTorch() => AssertSchedule(new StepSchedule(0.1, 3, 0.5), "step");

    [Fact]
    public void CosineAnnealingMatchesPyTorch() => AssertSchedule(new CosineAnnealingSchedule(0.1, 10, 0.001), "cosine");

    [Fact]
    public void OneCycleWithPyTorchDefaultsMatches() => AssertSchedule(new OneCycleSchedule(0.1, 20), "one_cycle");

    [Fact]
    public void OneCycleLinearWithCustomFactorsMatches() =>
        AssertSchedule(new OneCycleSchedule(0.05, 17, new OneCycleOptions(PctStart: 0.25, DivFactor: 10, FinalDivFactor: 100, CosineAnneal: false)), "one_cycle_linear");

    [Fact]
    public void OneCycleStartsAtMaxOverDivFactorAndEndsAtTheMinimum()
    {
        var s = new OneCycleSchedule(1.0, 100);
        Assert.Equal(1.0 / 25, s.LearningRateAt(0), 12);
        Assert.Equal(1.0 / 25 / 1e4, s.LearningRateAt(99), 12);
        Assert.Equal(1.0 / 25 / 1e4, s.LearningRateAt(150), 12);
    }

    [Fact]
    public void LinearWarmupRampsThenFollowsTheInnerScheduleFromItsStart()
    {
        var inner = new CosineAnnealingSchedule(0.2, 10);
        var s = new LinearWarmupSchedule(inner, warmupSteps: 4, startFactor: 0.2);
        Assert.Equal(0.2 * 0.2, s.LearningRateAt(0), 12);
        Assert.Equal(0.2 * (0.2 + 0.8 * 2 / 4.0), s.LearningRateAt(2), 12);
        for (int k = 0; k <= 10; k++) Assert.Equal(inner.LearningRateAt(k), s.LearningRateAt(4 + k), 12);
    }

    [Fact]
    public void CosineHoldsEtaMinAfterTMax() =>
        Assert.Equal(0.01, new CosineAnnealingSchedule(1, 5, 0.01).LearningRateAt(9), 12);
}
