using System.Globalization;

namespace Lepton.Factory.Loop;

/// <summary>What the gate says: put the challenger forward, or keep the champion.</summary>
public enum GateVerdict
{
    Promote,
    Keep,
}

/// <summary>One gate check with its verdict and a sentence carrying the numbers.</summary>
public sealed record GateCheck(string Name, bool Passed, string Detail);

/// <summary>The gate's verdict, a human sentence with the numbers, and every check that led to it.</summary>
public sealed record GateDecision(GateVerdict Verdict, string Reason, IReadOnlyList<GateCheck> Checks);

/// <summary>
/// The champion/challenger gate, a pure function of the policy and the evaluation: the challenger must beat the champion
/// on the feedback holdout by the margin, reach the minimum accuracy on the base test set, and lose no more than the
/// allowed recall on any class in the sets the policy names (classes with too few examples in a set are not checked there).
/// A regressor's gate reads the same knobs as shares of RMSE: the holdout RMSE lower by the margin (0.01: 1% lower), and the
/// base test RMSE (when the policy checks the base test) risen by no more than the allowed recall drop (0.02: 2%); no accuracy
/// minimum applies.
/// </summary>
public static class PromotionDecision
{
    // Accuracies are ratios of counts; a tolerance keeps e.g. 0.71 - 0.70 >= 0.01 from failing on rounding.
    private const double Tolerance = 1e-9;

    public static GateDecision Decide(LoopPolicy policy, EvaluationComparison e)
    {
        bool regression = e.ChampionBaseTest.IsRegression;
        var checks = regression ? new List<GateCheck> { ErrorMarginCheck(policy, e) } : [MarginCheck(policy, e), MinAccuracyCheck(policy, e)];
        // A regressor's margin already asks for a lower holdout RMSE, so its holdout needs no rise check of its own.
        if (policy.RecallCheckSets.HasFlag(RecallCheckSets.FeedbackHoldout) && !regression)
            checks.Add(RecallCheck(policy, "feedback holdout", e.ChampionHoldout, e.ChallengerHoldout));
        if (policy.RecallCheckSets.HasFlag(RecallCheckSets.BaseTest))
            checks.Add(regression ? ErrorRiseCheck(policy, "base test", e.ChampionBaseTest, e.ChallengerBaseTest)
                : RecallCheck(policy, "base test", e.ChampionBaseTest, e.ChallengerBaseTest));
        checks.AddRange(GroupChecks(policy, e));
        var failed = checks.Where(c => !c.Passed).ToList();
        string who = $"challenger v{e.ChallengerVersion} vs champion v{e.ChampionVersion}";
        return failed.Count == 0
            ? new GateDecision(GateVerdict.Promote, $"Promote {who}: {string.Join("; ", checks.Select(c => c.Detail))}.", checks)
            : new GateDecision(GateVerdict.Keep, $"Keep champion v{e.ChampionVersion} over challenger v{e.ChallengerVersion}: " +
                                                 $"{string.Join("; ", failed.Select(c => c.Detail))}" +
                                                 (failed.Count < checks.Count ? $" (passed: {string.Join("; ", checks.Where(c => c.Passed).Select(c => c.Detail))})" : "") + ".",
                checks);
    }

    private static GateCheck MarginCheck(LoopPolicy policy, EvaluationComparison e)
    {
        if (e.ChampionHoldout is null || e.ChallengerHoldout is null || e.ChallengerHoldout.Count == 0)
            return new GateCheck("margin", false, "no feedback holdout to compare on (collect more labelled feedback)");
        double champ = e.ChampionHoldout.Accuracy, chall = e.ChallengerHoldout.Accuracy, gain = chall - champ;
        bool pass = gain >= policy.Margin - Tolerance;
        return new GateCheck("margin", pass,
            $"feedback holdout accuracy {F(chall)} vs {F(champ)} ({Signed(gain)} {(pass ? ">=" : "<")} margin {F(policy.Margin)}, {e.ChallengerHoldout.Count} examples)");
    }

    // A regressor: the challenger's feedback-holdout error (RMSE, or its loss's metric) must be lower than the champion's by the
    // margin, as a share of the champion's.
    private static GateCheck ErrorMarginCheck(LoopPolicy policy, EvaluationComparison e)
    {
        if (e.ChampionHoldout?.Error is not { } champ || e.ChallengerHoldout?.Error is not { } chall || e.ChallengerHoldout.Count == 0)
            return new GateCheck("margin", false, "no feedback holdout to compare on (collect more labelled feedback)");
        double gain = champ > 0 ? (champ - chall) / champ : chall < champ ? 1 : 0;
        bool pass = gain >= policy.Margin - Tolerance;
        return new GateCheck("margin", pass,
            $"feedback holdout {e.ChallengerHoldout.ErrorName} {N(chall)} vs {N(champ)} (change {Pct(-gain)}, needs {Pct(-policy.Margin)} or less; {e.ChallengerHoldout.Count} examples)");
    }

    // A regressor's counterpart of the recall check: the challenger's error on a set may rise by at most MaxClassRecallDrop of the champion's.
    private static GateCheck ErrorRiseCheck(LoopPolicy policy, string set, SetScore? champion, SetScore? challenger)
    {
        string name = $"error_rise:{set}";
        if (champion?.Error is not { } champ || challenger?.Error is not { } chall || challenger.Count == 0)
            return new GateCheck(name, true, $"no {set} set, so no error check there");
        double rise = champ > 0 ? (chall - champ) / champ : chall > champ ? 1 : 0;
        bool pass = rise <= policy.MaxClassRecallDrop + Tolerance;
        return new GateCheck(name, pass, pass
            ? $"{set} {challenger.ErrorName} {N(chall)} vs {N(champ)} ({Pct(rise)}, within the allowed rise of {Pct(policy.MaxClassRecallDrop)})"
            : $"{set} {challenger.ErrorName} rose {Pct(rise)} ({N(champ)} -> {N(chall)}) > allowed {Pct(policy.MaxClassRecallDrop)}");
    }

    private static string N(double v) => Lepton.Data.NumberText.Readable(v);

    private static string Pct(double v) => (v >= 0 ? "+" : "") + (v * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    // Each group column of the policy: the challenger's selection ratio and true-positive rate gap on the base test rows, against the
    // policy's bounds (the champion's figures beside them); a column too thin to judge fails, as the recipe's gate does.
    private static IEnumerable<GateCheck> GroupChecks(LoopPolicy policy, EvaluationComparison e)
    {
        if (policy.Groups is not { Bounded: true } bounds) yield break;
        foreach (var g in e.ChallengerGroups)
        {
            var champion = e.ChampionGroups.FirstOrDefault(c => c.Column == g.Column);
            if (bounds.MinSelectionRatio is { } min)
            {
                bool pass = g.SelectionRatio >= min - Tolerance;
                yield return new GateCheck($"selection_ratio:{g.Column}", pass, g.SelectionRatio is not { } ratio
                    ? $"by {g.Column}, fewer than two groups have enough base test rows to judge the selection ratio"
                    : $"by {g.Column}, selection ratio of '{g.Favorable}' {F(ratio)} {(pass ? ">=" : "<")} minimum {F(min)} (champion {Maybe(champion?.SelectionRatio)})");
            }
            if (bounds.MaxOpportunityDifference is { } max)
            {
                bool pass = g.OpportunityDifference <= max + Tolerance;
                yield return new GateCheck($"opportunity_difference:{g.Column}", pass, g.OpportunityDifference is not { } gap
                    ? $"by {g.Column}, fewer than two groups have enough base test rows to judge the true-positive rates"
                    : $"by {g.Column}, true-positive rates differ by {F(gap)} {(pass ? "<=" : ">")} maximum {F(max)} (champion {Maybe(champion?.OpportunityDifference)})");
            }
        }
    }

    private static string Maybe(double? v) => v is { } x ? F(x) : "-";

    private static GateCheck MinAccuracyCheck(LoopPolicy policy, EvaluationComparison e)
    {
        double acc = e.ChallengerBaseTest.Accuracy;
        bool pass = acc >= policy.MinAccuracy - Tolerance;
        return new GateCheck("min_accuracy", pass,
            $"base test accuracy {F(acc)} {(pass ? ">=" : "<")} minimum {F(policy.MinAccuracy)} (champion {F(e.ChampionBaseTest.Accuracy)})");
    }

    private static GateCheck RecallCheck(LoopPolicy policy, string set, SetScore? champion, SetScore? challenger)
    {
        string name = $"recall_drop:{set}";
        if (champion is null || challenger is null) return new GateCheck(name, true, $"no {set} set, so no recall check there");
        var drops = (from c in champion.Classes
                     join d in challenger.Classes on c.Class equals d.Class
                     where c.Support >= policy.MinClassSupport && d.Support >= policy.MinClassSupport
                     select (c.Class, Drop: c.Recall - d.Recall, c.Recall, Challenger: d.Recall)).ToList();
        if (drops.Count == 0) return new GateCheck(name, true, $"no class has {policy.MinClassSupport}+ examples in the {set} set, so no recall check there");
        var worst = drops.MaxBy(x => x.Drop);
        bool pass = worst.Drop <= policy.MaxClassRecallDrop + Tolerance;
        return new GateCheck(name, pass, pass
            ? $"no class recall on {set} dropped more than {F(policy.MaxClassRecallDrop)} (worst class: {worst.Class} {F(worst.Recall)} -> {F(worst.Challenger)})"
            : $"class '{worst.Class}' recall on {set} dropped {F(worst.Drop)} ({F(worst.Recall)} -> {F(worst.Challenger)}) > allowed {F(policy.MaxClassRecallDrop)}");
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string Signed(double v) => (v >= 0 ? "+" : "") + F(v);
}
