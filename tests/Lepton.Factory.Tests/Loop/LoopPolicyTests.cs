using Lepton.Factory.Loop;

namespace Lepton.Factory.Tests.Loop;

public sealed class LoopPolicyTests
{
    [Fact]
    public void Defaults_are_valid_and_match_the_documented_values()
    {
        var p = new LoopPolicy { Model = "fashion" }.Validate();
        Assert.Equal(("production", "staging", LoopMode.FineTune, "fashion-mnist"), (p.ChampionAlias, p.StagingAlias, p.Mode, p.BaseData));
        Assert.Equal((6000, 50, 0.3, 0.01, 0.0, 0.02), (p.BaseSampleSize, p.MinFeedback, p.FeedbackHoldoutFraction, p.Margin, p.MinAccuracy, p.MaxClassRecallDrop));
        Assert.Equal((0.1, 0.01, 0.02, RecallCheckSets.Both), (p.CanaryFraction, p.MaxErrorRateIncrease, p.MaxAccuracyDrop, p.RecallCheckSets));
    }

    [Theory]
    [InlineData("holdout", "The feedback holdout fraction must be in (0, 1), e.g. 0.3; got 1.")]
    [InlineData("aliases", "The champion and staging aliases are both 'production'; give them different names.")]
    [InlineData("epochs", "The epochs must be >= 1, got 0.")]
    [InlineData("recall", "The maximum class recall drop is a fraction of accuracy in [0, 1], e.g. 0.02 for two points; got 2.")]
    [InlineData("canary", "The canary fraction must be in (0, 1), e.g. 0.1; got 0.")]
    [InlineData("window", "The canary window must be >= 0 (0 skips the canary), got -00:00:01.")]
    public void Invalid_knobs_are_named_with_the_allowed_values(string knob, string message)
    {
        var p = new LoopPolicy { Model = "fashion" };
        p = knob switch
        {
            "holdout" => p with { FeedbackHoldoutFraction = 1 },
            "aliases" => p with { StagingAlias = "production" },
            "epochs" => p with { Epochs = 0 },
            "recall" => p with { MaxClassRecallDrop = 2 },
            "canary" => p with { CanaryFraction = 0 },
            _ => p with { CanaryWindow = TimeSpan.FromSeconds(-1) },
        };
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => p.Validate()).Message);
    }
}
