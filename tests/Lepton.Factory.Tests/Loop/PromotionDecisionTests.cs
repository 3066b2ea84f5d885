using Lepton.Factory.Loop;

namespace Lepton.Factory.Tests.Loop;

public sealed class PromotionDecisionTests
{
    private static readonly LoopPolicy Policy = new() { Model = "m", Margin = 0.01, MinAccuracy = 0.8, MaxClassRecallDrop = 0.02, MinClassSupport = 5 };

    private static SetScore Score(double accuracy, params (string Class, double Recall, int Support)[] classes) =>
        new(accuracy, classes.Sum(c => c.Support), classes.Select(c => new ClassRecall(c.Class, c.Recall, c.Support)).ToList());

    /// <summary>Champion v1 and challenger v2; holdout 100 examples, base test 200, two classes each.</summary>
    private static EvaluationComparison Comparison(double champHold, double challHold, double champBase = 0.90, double challBase = 0.90,
        (double A, double B)? champBaseRecall = null, (double A, double B)? challBaseRecall = null, int supportB = 100) =>
        new(1, 2,
            Score(champBase, ("a", champBaseRecall?.A ?? 0.90, 100), ("b", champBaseRecall?.B ?? 0.90, supportB)),
            Score(challBase, ("a", challBaseRecall?.A ?? 0.90, 100), ("b", challBaseRecall?.B ?? 0.90, supportB)),
            Score(champHold, ("a", champHold, 50), ("b", champHold, 50)),
            Score(challHold, ("a", challHold, 50), ("b", challHold, 50)));

    [Fact]
    public void Promotes_when_the_challenger_beats_the_margin_and_passes_every_gate()
    {
        var d = PromotionDecision.Decide(Policy, Comparison(0.60, 0.85));
        Assert.Equal(GateVerdict.Promote, d.Verdict);
        Assert.All(d.Checks, c => Assert.True(c.Passed));
        Assert.Equal(["margin", "min_accuracy", "recall_drop:feedback holdout", "recall_drop:base test"], d.Checks.Select(c => c.Name));
        Assert.StartsWith("Promote challenger v2 vs champion v1: feedback holdout accuracy 0.850 vs 0.600 (+0.250 >= margin 0.010, 100 examples); " +
                          "base test accuracy 0.900 >= minimum 0.800 (champion 0.900)", d.Reason);
    }

    [Fact]
    public void Keeps_the_champion_when_the_gain_is_below_the_margin()
    {
        var d = PromotionDecision.Decide(Policy, Comparison(0.700, 0.705));
        Assert.Equal(GateVerdict.Keep, d.Verdict);
        Assert.StartsWith("Keep champion v1 over challenger v2: feedback holdout accuracy 0.705 vs 0.700 (+0.005 < margin 0.010, 100 examples) (passed: ", d.Reason);
    }

    [Fact]
    public void A_gain_exactly_equal_to_the_margin_passes_despite_rounding()
    {
        // 0.71 - 0.70 is 0.0099999999999997868 in doubles.
        Assert.Equal(GateVerdict.Promote, PromotionDecision.Decide(Policy, Comparison(0.70, 0.71)).Verdict);
    }

    [Fact]
    public void Keeps_the_champion_below_the_minimum_base_accuracy()
    {
        var d = PromotionDecision.Decide(Policy, Comparison(0.5, 0.9, champBase: 0.85, challBase: 0.79));
        Assert.Equal(GateVerdict.Keep, d.Verdict);
        Assert.Contains("base test accuracy 0.790 < minimum 0.800 (champion 0.850)", d.Reason);
    }

    [Fact]
    public void A_class_recall_drop_over_the_limit_on_the_base_test_set_keeps_the_champion()
    {
        // Class b: 0.90 -> 0.87 is a drop of 0.03 > 0.02; class a improves.
        var d = PromotionDecision.Decide(Policy, Comparison(0.5, 0.9, champBaseRecall: (0.90, 0.90), challBaseRecall: (0.95, 0.87)));
        Assert.Equal(GateVerdict.Keep, d.Verdict);
        Assert.Equal("Keep champion v1 over challenger v2: class 'b' recall on base test dropped 0.030 (0.900 -> 0.870) > allowed 0.020 (passed: " +
                     "feedback holdout accuracy 0.900 vs 0.500 (+0.400 >= margin 0.010, 100 examples); base test accuracy 0.900 >= minimum 0.800 (champion 0.900); " +
                     "no class recall on feedback holdout dropped more than 0.020 (worst class: a 0.500 -> 0.900)).", d.Reason);
    }

    [Fact]
    public void The_recall_check_applies_only_to_the_sets_the_policy_names()
    {
        var onlyHoldout = Policy with { RecallCheckSets = RecallCheckSets.FeedbackHoldout };
        var d = PromotionDecision.Decide(onlyHoldout, Comparison(0.5, 0.9, challBaseRecall: (0.95, 0.80)));
        Assert.Equal(GateVerdict.Promote, d.Verdict);
        Assert.DoesNotContain(d.Checks, c => c.Name == "recall_drop:base test");
    }

    [Fact]
    public void A_drop_of_exactly_the_allowed_amount_passes()
    {
        var d = PromotionDecision.Decide(Policy, Comparison(0.5, 0.9, champBaseRecall: (0.90, 0.90), challBaseRecall: (0.90, 0.88)));
        Assert.Equal(GateVerdict.Promote, d.Verdict);
    }

    [Fact]
    public void Classes_with_too_few_examples_are_not_recall_checked()
    {
        // Class b has 4 examples (< MinClassSupport 5): its 0.5 drop is noise and is ignored.
        var d = PromotionDecision.Decide(Policy, Comparison(0.5, 0.9, champBaseRecall: (0.9, 1.0), challBaseRecall: (0.9, 0.5), supportB: 4));
        Assert.Equal(GateVerdict.Promote, d.Verdict);
    }

    [Fact]
    public void Without_a_feedback_holdout_the_champion_is_kept()
    {
        var e = Comparison(0.5, 0.9) with { ChampionHoldout = null, ChallengerHoldout = null };
        var d = PromotionDecision.Decide(Policy, e);
        Assert.Equal(GateVerdict.Keep, d.Verdict);
        Assert.Contains("no feedback holdout to compare on", d.Reason);
    }

    private static EvaluationComparison Errors(double champHold, double challHold, double champBase, double challBase) =>
        new(1, 2, SetScore.Regression(champBase * champBase * 200, champBase * 200, 200), SetScore.Regression(challBase * challBase * 200, challBase * 200, 200),
            SetScore.Regression(champHold * champHold * 100, champHold * 100, 100), SetScore.Regression(challHold * challHold * 100, challHold * 100, 100));

    [Fact]
    public void A_regressor_is_promoted_when_its_holdout_RMSE_falls_by_the_margin_and_the_base_RMSE_rises_little()
    {
        // Margin 0.01: RMSE 1% lower on the holdout; allowed rise 0.02: 2% on the base test.
        var d = PromotionDecision.Decide(Policy, Errors(champHold: 20_000, challHold: 15_000, champBase: 10_000, challBase: 10_150));
        Assert.True(d.Verdict == GateVerdict.Promote, d.Reason);
        Assert.Equal(["margin", "error_rise:base test"], d.Checks.Select(c => c.Name));
        Assert.Contains("feedback holdout RMSE 15,000 vs 20,000 (change -25.0%, needs -1.0% or less; 100 examples)", d.Reason);

        var small = PromotionDecision.Decide(Policy, Errors(champHold: 20_000, challHold: 19_900, champBase: 10_000, challBase: 10_000));
        Assert.Equal(GateVerdict.Keep, small.Verdict);
        Assert.Contains("(change -0.5%, needs -1.0% or less", small.Reason);

        var worseBase = PromotionDecision.Decide(Policy, Errors(champHold: 20_000, challHold: 15_000, champBase: 10_000, challBase: 10_500));
        Assert.Equal(GateVerdict.Keep, worseBase.Verdict);
        Assert.Contains("base test RMSE rose +5.0% (10,000 -> 10,500) > allowed +2.0%", worseBase.Reason);
        Assert.Equal(GateVerdict.Promote, PromotionDecision.Decide(Policy with { RecallCheckSets = RecallCheckSets.FeedbackHoldout },
            Errors(champHold: 20_000, challHold: 15_000, champBase: 10_000, challBase: 10_500)).Verdict);
    }
}
