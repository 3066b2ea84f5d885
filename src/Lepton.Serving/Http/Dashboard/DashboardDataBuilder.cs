using Lepton.Registry.Store;
using Lepton.Serving.Models;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>
/// Gathers the dashboard's data: every served model and every registered one, with versions, lineage, training curves,
/// evaluation, live metrics, loop decisions and alerts. Without a registry (or when it cannot be read) only live serving
/// data is shown, with the reason.
/// </summary>
public sealed class DashboardDataBuilder
{
    /// <summary>Runs whose curves are drawn per model: those of production and staging, then the newest other versions'.</summary>
    public const int MaxRunsPerModel = 4;

    public const int MaxDecisions = 20;

    public const int MaxAlerts = 20;

    private readonly ServingContext _serving;
    private readonly TimeProvider _time;
    private readonly EvaluationFiles? _evaluations;

    public DashboardDataBuilder(ServingContext serving, TimeProvider? time = null)
    {
        _serving = serving;
        _time = time ?? TimeProvider.System;
        StartedAt = _time.GetUtcNow();
        _evaluations = serving.Registry is { } registry ? new EvaluationFiles(registry) : null;
    }

    /// <summary>When the server (this builder) started; the dashboard's uptime counts from here.</summary>
    public DateTimeOffset StartedAt { get; }

    public async Task<DashboardData> BuildAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var statuses = _serving.Models.Status().ToDictionary(s => s.Name, StringComparer.Ordinal);
        var registry = _serving.Registry;
        IReadOnlyList<ModelRecord> registered = [];
        string? problem = null;
        if (registry is not null)
        {
            try
            {
                registered = await registry.Store.ListModelsAsync(ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                problem = Unreadable(e);
            }
        }
        var names = statuses.Keys.Concat(registered.Select(m => m.Name)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var models = new List<DashboardModel>();
        foreach (var name in names)
        {
            statuses.TryGetValue(name, out var status);
            var live = LiveMetrics.For(name, _serving.Metrics, _serving.Models.Metrics);
            var served = status is null ? null : new ServedModelInfo(status.Reference, status.CanaryReference, status.CanaryFraction, status.IsReady, status.LastError);
            var model = new DashboardModel(name, served, VersionTable.Build(status, [], []), null, [], null, null, live, [], []);
            if (registry is not null && problem is null && registered.Any(m => m.Name == name))
            {
                try
                {
                    model = await WithRegistryAsync(model, status, registry, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    problem = Unreadable(e);
                }
            }
            models.Add(model);
        }
        var panels = _serving.DashboardPanels.OrderBy(p => p.Order).Select(p => p.Title).ToList();
        return new DashboardData(now, StartedAt, (now - StartedAt).TotalSeconds, registry is not null, problem, models, panels);
    }

    private async Task<DashboardModel> WithRegistryAsync(DashboardModel model, ModelStatus? status, Registry.ModelRegistry registry, CancellationToken ct)
    {
        var store = registry.Store;
        var versions = await store.ListModelVersionsAsync(model.Name, ct);
        var aliases = await store.ListAliasesAsync(model.Name, ct);
        var table = VersionTable.Build(status, versions, aliases);
        var production = Featured(versions, aliases, table);

        LineageInfo? lineage = null;
        EvaluationInfo? evaluation = null;
        string? note = versions.Count == 0 ? $"{model.Name} has no registered versions." : null;
        if (production is { } p)
        {
            lineage = await LineageReader.ReadAsync(store, p.Version, p.Alias, ct);
            try
            {
                (evaluation, note) = await _evaluations!.GetAsync(model.Name, p.Version.Version, ct);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                note = $"The files of {model.Name}@{p.Version.Version} could not be read ({e.GetType().Name}); check them with lepton models show {model.Name}.";
            }
        }
        var runs = await RunsAsync(store, versions, aliases, ct);
        var decisions = await store.ListLoopDecisionsAsync(model.Name, MaxDecisions, ct);
        var alerts = await store.ListAlertEventsAsync(model.Name, null, MaxAlerts, ct);
        return model with { Versions = table, Lineage = lineage, Runs = runs, Evaluation = evaluation, EvaluationNote = note, Decisions = decisions, Alerts = alerts };
    }

    /// <summary>The version whose lineage and evaluation are shown: production, else the one served as primary, else the newest.</summary>
    private static (ModelVersion Version, string? Alias)? Featured(IReadOnlyList<ModelVersion> versions, IReadOnlyList<AliasRecord> aliases, IReadOnlyList<VersionInfo> table)
    {
        if (aliases.FirstOrDefault(a => a.Alias == "production") is { } prod && versions.FirstOrDefault(v => v.Version == prod.Version) is { } pv)
            return (pv, "production");
        if (table.FirstOrDefault(t => t.Primary && t.Version is not null) is { } primary && versions.FirstOrDefault(v => v.Version == primary.Version) is { } sv)
            return (sv, null);
        return versions.Count == 0 ? null : (versions.MaxBy(v => v.Version)!, null);
    }

    private static async Task<IReadOnlyList<RunCurves>> RunsAsync(IRegistryStore store, IReadOnlyList<ModelVersion> versions,
        IReadOnlyList<AliasRecord> aliases, CancellationToken ct)
    {
        var roles = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var aliased = new HashSet<int>();
        void Add(ModelVersion v, string role)
        {
            if (v.RunId is null) return;
            if (!roles.TryGetValue(v.RunId, out var list))
            {
                if (roles.Count >= MaxRunsPerModel) return;
                roles[v.RunId] = list = [];
            }
            if (!list.Contains(role)) list.Add(role);
        }
        foreach (var alias in new[] { "production", "staging" })
        {
            if (aliases.FirstOrDefault(a => a.Alias == alias) is { } a && versions.FirstOrDefault(v => v.Version == a.Version) is { } v)
            {
                aliased.Add(v.Version);
                Add(v, alias);
            }
        }
        // A version already named by its alias is not listed again by number.
        foreach (var v in versions.Where(v => !aliased.Contains(v.Version)).OrderByDescending(v => v.Version)) Add(v, $"v{v.Version}");

        var curves = new List<RunCurves>();
        foreach (var (runId, why) in roles)
        {
            var run = await store.GetRunAsync(runId, ct);
            if (run is null) continue;
            var metrics = await store.GetRunMetricsAsync(runId, ct);
            var series = metrics.GroupBy(m => m.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new MetricSeries(g.Key, [.. g.OrderBy(m => m.Step).Select(m => new MetricPoint(m.Step, m.Value))])).ToList();
            curves.Add(new RunCurves(run.Id, run.Name, run.Status.ToString().ToLowerInvariant(), why, series));
        }
        return curves;
    }

    // The page is shown to people: the exception's type and message without paths or stack.
    private static string Unreadable(Exception e) =>
        $"The registry could not be read ({e.GetType().Name}); only live serving data is shown. Check the store with lepton models list.";
}
