using System.Globalization;
using Lepton.Registry;

namespace Lepton.Factory.Loop;

/// <summary>The canary's verdict: promote the challenger to the champion alias, or roll the staging alias back.</summary>
public enum CanaryVerdict
{
    Promote,
    Rollback,
}

/// <summary>The canary verdict, a sentence with the numbers, and the observation it was based on.</summary>
public sealed record CanaryJudgement(CanaryVerdict Verdict, string Reason, CanaryObservation Observation);

/// <summary>
/// Watches a challenger serving as the canary (the staging alias) for the policy's window, then compares it with the champion
/// over that window: enough requests, an error rate no worse than the champion's plus the allowed increase, and (when both have
/// enough labels) a live accuracy no worse than the champion's minus the allowed drop (a regressor: a live RMSE at most that share
/// above the champion's). Promote moves the champion alias to the
/// challenger; rollback moves the staging alias back and leaves the champion alias alone.
/// </summary>
public sealed class CanaryJudge(ModelRegistry registry, ICanaryObserver observer, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Waits the canary window (checking in every poll interval, cancellable), then observes and judges.</summary>
    public async Task<CanaryJudgement> WatchAsync(LoopPolicy policy, int championVersion, int challengerVersion, IProgress<string>? progress = null,
        CancellationToken ct = default)
    {
        var from = _time.GetUtcNow();
        var until = from + policy.CanaryWindow;
        progress?.Report($"canary: v{challengerVersion} on {policy.Model}@{policy.StagingAlias} gets {policy.CanaryFraction:P0} of traffic; watching until {until:HH:mm:ss} UTC");
        while (_time.GetUtcNow() < until)
        {
            var left = until - _time.GetUtcNow();
            await Task.Delay(left < policy.CanaryPollInterval ? left : policy.CanaryPollInterval, _time, ct);
            if (_time.GetUtcNow() >= until) break;
            var soFar = await observer.ObserveAsync(policy.Model, championVersion, challengerVersion, from, _time.GetUtcNow(), ct);
            progress?.Report($"  canary so far: {soFar.Canary.Requests} requests, {soFar.Canary.Labels} labels (champion {soFar.Champion.Requests} requests)");
        }
        var observation = await observer.ObserveAsync(policy.Model, championVersion, challengerVersion, from, _time.GetUtcNow(), ct);
        return Judge(policy, observation);
    }

    /// <summary>The verdict for an observation (pure).</summary>
    public static CanaryJudgement Judge(LoopPolicy policy, CanaryObservation o)
    {
        var (champ, canary) = (o.Champion, o.Canary);
        if (canary.Requests < policy.CanaryMinRequests)
            return new CanaryJudgement(CanaryVerdict.Rollback,
                $"The canary v{canary.Version} served only {canary.Requests} requests in the window (< {policy.CanaryMinRequests} needed): not enough evidence to promote it; " +
                "send more traffic or lengthen the canary window.", o);
        double allowedErrors = champ.ErrorRate + policy.MaxErrorRateIncrease;
        string errors = $"error rate {P(canary.ErrorRate)} vs champion {P(champ.ErrorRate)} (allowed up to {P(allowedErrors)})";
        if (canary.ErrorRate > allowedErrors + 1e-12)
            return new CanaryJudgement(CanaryVerdict.Rollback, $"The canary v{canary.Version} fails more often: {errors}.", o);
        string accuracy;
        if (canary.Labels >= policy.CanaryMinLabels && champ.Labels >= policy.CanaryMinLabels && canary.Accuracy is { } ca && champ.Accuracy is { } pa)
        {
            double allowed = pa - policy.MaxAccuracyDrop;
            accuracy = $"live accuracy {F(ca)} on {canary.Labels} labels vs champion {F(pa)} on {champ.Labels} (allowed down to {F(allowed)})";
            if (ca < allowed - 1e-12)
                return new CanaryJudgement(CanaryVerdict.Rollback, $"The canary v{canary.Version} is less accurate live: {accuracy}; {errors}.", o);
        }
        else if (canary.Labels >= policy.CanaryMinLabels && champ.Labels >= policy.CanaryMinLabels
                 && (SameLoss(canary, champ) ? canary.LossValue : canary.Rmse) is { } cr && (SameLoss(canary, champ) ? champ.LossValue : champ.Rmse) is { } pr)
        {
            // A regressor: the live error (the metric of the loss both were trained with, else RMSE) may rise by the allowed drop
            // read as a share of the champion's.
            double allowed = pr * (1 + policy.MaxAccuracyDrop);
            string metric = SameLoss(canary, champ) ? canary.LossMetric! : "RMSE";
            accuracy = $"live {metric} {Lepton.Data.NumberText.Readable(cr)} on {canary.Labels} labels vs champion {Lepton.Data.NumberText.Readable(pr)} on {champ.Labels} (allowed up to {Lepton.Data.NumberText.Readable(allowed)})";
            if (cr > allowed + 1e-12)
                return new CanaryJudgement(CanaryVerdict.Rollback, $"The canary v{canary.Version} errs more live: {accuracy}; {errors}.", o);
        }
        else
        {
            accuracy = $"live accuracy not compared (labels: canary {canary.Labels}, champion {champ.Labels}; {policy.CanaryMinLabels} each needed)";
        }
        return new CanaryJudgement(CanaryVerdict.Promote,
            $"The canary v{canary.Version} held up over {canary.Requests} requests: {errors}; {accuracy}.", o);
    }

    /// <summary>Acts on a verdict: promote → champion alias to the challenger; rollback → staging alias back (to the champion when it had no earlier version).</summary>
    public async Task ApplyAsync(LoopPolicy policy, CanaryVerdict verdict, int championVersion, int challengerVersion, string actor, CancellationToken ct = default)
    {
        if (verdict == CanaryVerdict.Promote)
        {
            await registry.PromoteAsync(policy.Model, challengerVersion, policy.ChampionAlias, actor, ct);
            return;
        }
        var history = await registry.Store.GetAliasHistoryAsync(policy.Model, policy.StagingAlias, ct);
        var last = history.OrderBy(h => h.Id).LastOrDefault();
        if (last?.PreviousVersion is null) await registry.PromoteAsync(policy.Model, championVersion, policy.StagingAlias, actor, ct);
        else await registry.RollbackAsync(policy.Model, policy.StagingAlias, actor, ct);
    }

    private static string F(double v) => v.ToString("0.000", CultureInfo.InvariantCulture);

    private static string P(double v) => v.ToString("0.00%", CultureInfo.InvariantCulture);

    // Both regressors were trained with the same loss other than squared error, so its live metric compares them.
    private static bool SameLoss(VersionHealth a, VersionHealth b) =>
        a.LossMetric is not null && a.LossMetric == b.LossMetric && a.LossValue is not null && b.LossValue is not null;
}
