using System.Collections.Concurrent;
using Lepton.Data.Profiles;
using Lepton.Monitoring.Alerts;
using Lepton.Registry;

namespace Lepton.Monitoring;

/// <summary>
/// Windowed reports over the prediction log and feedback of a registered model: traffic, errors, latency, class mix, input
/// and prediction drift against each version's reference profile, and the live metric of each version's task (accuracy,
/// F1, or MAE/RMSE; see <see cref="VersionReport"/>), per version and pooled.
/// </summary>
public sealed class ModelMonitor(ModelRegistry registry)
{
    private readonly ConcurrentDictionary<(string Model, int Version), Lazy<Task<VersionContext>>> _contexts = new();

    /// <summary>The report for <paramref name="model"/> over <paramref name="window"/>, with the <paramref name="rules"/> that fire.</summary>
    public Task<MonitorReport> ReportAsync(string model, MonitorWindow window, IReadOnlyList<AlertRule>? rules = null, CancellationToken ct = default) =>
        ReportAsync(model, window, rules, Runtime.Tables.GroupOptions.None, ct);

    /// <summary>
    /// The report with <paramref name="groups"/>: each version's (and all versions') answers across the groups of those logged
    /// columns, which the <c>selection_ratio</c> rule reads; a model that is not a yes/no model is refused when groups are named.
    /// </summary>
    public async Task<MonitorReport> ReportAsync(string model, MonitorWindow window, IReadOnlyList<AlertRule>? rules, Runtime.Tables.GroupOptions groups,
        CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(window);
        var requests = await PredictionLogReader.RequestsAsync(registry.Store, model, window, ct);
        var labels = await PredictionLogReader.LabelsAsync(registry.Store, model, window, ct);
        var newest = await NewestContextAsync(model, requests, labels, ct);
        if (groups.Columns.Count > 0) _ = LiveGroupsCalculator.Favorable(groups, newest.Task); // a wrong class or model is refused before any work
        var versions = new List<VersionReport>();
        foreach (int? version in requests.Select(r => r.Version).Concat(labels.Select(l => l.Version)).Distinct().Order())
        {
            var context = await ContextAsync(model, version, ct);
            versions.Add(VersionReportBuilder.Build(model, version, window,
                requests.Where(r => r.Version == version).ToArray(), labels.Where(l => l.Version == version).ToArray(), context.Reference, context.Task, groups));
        }
        // Coverage is pooled from the versions, each judged by its own intervals (the newest version's would misjudge the others).
        var overall = VersionReportBuilder.Build(model, null, window, requests, labels, newest.Reference, newest.Task, groups) with
        {
            Coverage = LiveCoverageCalculator.Pool(versions.Select(v => v.Coverage)),
        };
        var report = new MonitorReport(model, window, overall, versions, []);
        return rules is { Count: > 0 } ? report with { Alerts = AlertEvaluator.Evaluate(report, rules) } : report;
    }

    /// <summary>
    /// The window cut into <paramref name="buckets"/> equal parts, each with its traffic, error rate, p99, live metric (accuracy,
    /// or MAE for a regressor) and drift (max input PSI and prediction PSI against the newest version's reference; null
    /// without one or without traffic).
    /// </summary>
    public async Task<IReadOnlyList<TimelinePoint>> TimelineAsync(string model, MonitorWindow window, int buckets, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(model);
        ArgumentNullException.ThrowIfNull(window);
        if (buckets is < 1 or > 10_000) throw new ArgumentOutOfRangeException(nameof(buckets), buckets, "A timeline needs between 1 and 10000 buckets.");
        var requests = await PredictionLogReader.RequestsAsync(registry.Store, model, window, ct);
        var labels = await PredictionLogReader.LabelsAsync(registry.Store, model, window, ct);
        var newest = await NewestContextAsync(model, requests, labels, ct);
        long ticks = window.Duration.Ticks;
        var requestBuckets = Split(requests, r => r.At, window, buckets);
        var labelBuckets = Split(labels, l => l.At, window, buckets);
        var points = new List<TimelinePoint>(buckets);
        for (int b = 0; b < buckets; b++)
        {
            var bucket = new MonitorWindow(window.From + TimeSpan.FromTicks(ticks * b / buckets), window.From + TimeSpan.FromTicks(ticks * (b + 1) / buckets));
            var summary = VersionReportBuilder.Build(model, null, bucket, requestBuckets[b], labelBuckets[b], newest.Reference, newest.Task);
            var coverage = await CoverageAsync(model, labelBuckets[b], ct);
            points.Add(new TimelinePoint(bucket.From, bucket.To, summary.Requests, summary.ErrorRate, summary.LatencyP99Ms,
                summary.Accuracy?.Labels ?? summary.LiveError?.Labels ?? 0, summary.Accuracy?.Accuracy,
                summary.MaxInputPsi, summary.PredictionDrift?.Psi, summary.LiveError?.Mae)
            {
                Calibration = summary.Calibration is { } c ? (c.MeanProbability, c.ObservedRate) : null,
                Coverage = coverage is { } v ? (v.Coverage, v.Level) : null,
                Weighted = summary.Weighted,
            });
        }
        return points;
    }

    // The labels' live coverage, each version's judged by its own intervals.json, pooled (null when none has intervals).
    private async Task<LiveCoverage?> CoverageAsync(string model, IReadOnlyList<LoggedLabel> labels, CancellationToken ct)
    {
        var versions = new List<LiveCoverage?>();
        foreach (var group in labels.GroupBy(l => l.Version))
            versions.Add(LiveCoverageCalculator.Compute([.. group], (await ContextAsync(model, group.Key, ct)).Task));
        return LiveCoverageCalculator.Pool(versions);
    }

    /// <summary>Items per bucket in one pass: bucket b holds times in [From + b * d, From + (b + 1) * d) with d = duration / buckets.</summary>
    private static List<T>[] Split<T>(IReadOnlyList<T> items, Func<T, DateTimeOffset> at, MonitorWindow window, int buckets)
    {
        var result = Enumerable.Range(0, buckets).Select(_ => new List<T>()).ToArray();
        long ticks = window.Duration.Ticks;
        foreach (var item in items)
        {
            long offset = (at(item) - window.From).Ticks;
            if (offset < 0 || offset >= ticks) continue;
            // The smallest b with offset < ticks * (b + 1) / buckets, matching the bucket bounds computed above.
            int b = (int)(offset * (Int128)buckets / ticks);
            while (b > 0 && offset < ticks * (Int128)b / buckets) b--;
            while (b < buckets - 1 && offset >= ticks * (Int128)(b + 1) / buckets) b++;
            result[b].Add(item);
        }
        return result;
    }

    /// <summary>
    /// The context of the newest version seen in the window (requests, else labels), for the pooled report: its reference
    /// and its task score all versions together.
    /// </summary>
    private async Task<VersionContext> NewestContextAsync(string model, IReadOnlyList<LoggedRequest> requests, IReadOnlyList<LoggedLabel> labels,
        CancellationToken ct)
    {
        var newest = requests.Where(r => r.Version is not null).Select(r => r.Version).DefaultIfEmpty().Max()
            ?? labels.Where(l => l.Version is not null).Select(l => l.Version).DefaultIfEmpty().Max();
        return await ContextAsync(model, newest, ct);
    }

    /// <summary>
    /// The version's reference profile and task, loaded once per version; no reference and multiclass for folder-served
    /// traffic or a version that cannot be resolved.
    /// </summary>
    private async Task<VersionContext> ContextAsync(string model, int? version, CancellationToken ct)
    {
        if (version is not { } v) return VersionContext.None;
        var lazy = _contexts.GetOrAdd((model, v), key => new Lazy<Task<VersionContext>>(() => LoadContextAsync(key.Model, key.Version)));
        try
        {
            return await lazy.Value.WaitAsync(ct);
        }
        catch (Exception) when (!ct.IsCancellationRequested)
        {
            // A failed load (version deleted, artifact missing) is not cached, so a later report can try again.
            _contexts.TryRemove(new KeyValuePair<(string, int), Lazy<Task<VersionContext>>>((model, v), lazy));
            return VersionContext.None;
        }
    }

    private async Task<VersionContext> LoadContextAsync(string model, int version)
    {
        var resolved = await registry.ResolveAsync($"{model}@{version}", CancellationToken.None);
        return new VersionContext(ReferenceProfile.Load(resolved.Folder), MonitoredTask.Load(resolved.Folder));
    }

    /// <summary>What a version's folder tells monitoring: the training reference (null without one) and the task.</summary>
    private sealed record VersionContext(ReferenceProfile? Reference, MonitoredTask Task)
    {
        public static VersionContext None { get; } = new(null, MonitoredTask.Multiclass);
    }
}
