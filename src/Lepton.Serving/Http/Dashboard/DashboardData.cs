using Lepton.Registry.Store;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>Everything the dashboard shows, read at one moment; <c>/dashboard.json</c> is this record in snake_case.</summary>
public sealed record DashboardData(
    DateTimeOffset GeneratedAt,
    DateTimeOffset StartedAt,
    double UptimeSeconds,
    bool HasRegistry,
    string? RegistryProblem,
    IReadOnlyList<DashboardModel> Models,
    IReadOnlyList<string> Panels);

/// <summary>One model, served, registered or both.</summary>
public sealed record DashboardModel(
    string Name,
    ServedModelInfo? Served,
    IReadOnlyList<VersionInfo> Versions,
    LineageInfo? Lineage,
    IReadOnlyList<RunCurves> Runs,
    EvaluationInfo? Evaluation,
    string? EvaluationNote,
    IReadOnlyList<LiveVersionMetrics> Live,
    IReadOnlyList<LoopDecisionRecord> Decisions,
    IReadOnlyList<AlertEventRecord> Alerts);

/// <summary>How a model is served: its references, the canary share and the last load error.</summary>
public sealed record ServedModelInfo(string Reference, string? CanaryReference, double CanaryFraction, bool Ready, string? LastError);

/// <summary>
/// One version: its aliases, creation time and accuracy (from the registry), and how it is served (state, primary or
/// canary, share of the traffic that names no version).
/// </summary>
public sealed record VersionInfo(
    int? Version,
    string Label,
    IReadOnlyList<string> Aliases,
    DateTimeOffset? CreatedAt,
    double? Accuracy,
    string? RunId,
    string? DatasetRef,
    string? State,
    bool Primary,
    bool Canary,
    double TrafficShare,
    string? Error);

/// <summary>Where a version came from: its run, the dataset versions behind it, and the code version.</summary>
public sealed record LineageInfo(int Version, string? Alias, RunInfo? Run, string? DatasetRef, IReadOnlyList<DatasetNode> Datasets, string? CodeVersion);

/// <summary>A training run as the lineage shows it.</summary>
public sealed record RunInfo(
    string Id,
    string Name,
    string Status,
    IReadOnlyDictionary<string, string> Parameters,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string? CodeVersion,
    string? DatasetRef,
    ulong? Seed);

/// <summary>
/// One dataset version in a lineage walk: <paramref name="Relation"/> says how it was reached (<c>trained on</c>,
/// <c>parent of ...</c>, <c>base of ...</c>); <paramref name="BaseRef"/> is the base dataset its manifest names.
/// </summary>
public sealed record DatasetNode(string Ref, int Depth, string Relation, DateTimeOffset? CreatedAt, string? BaseRef, bool Missing);

/// <summary>A run's per-epoch metrics, and why it is shown (production, staging, a version number).</summary>
public sealed record RunCurves(string RunId, string Name, string Status, IReadOnlyList<string> Roles, IReadOnlyList<MetricSeries> Series);

/// <summary>One metric of a run over its steps.</summary>
public sealed record MetricSeries(string Key, IReadOnlyList<MetricPoint> Points);

/// <summary>A metric value at a step (an epoch).</summary>
public sealed record MetricPoint(int Step, double Value);

/// <summary>A version's held-out evaluation from its <c>evaluation.json</c>: rows of the matrix are true classes, columns predicted.</summary>
public sealed record EvaluationInfo(
    int Version,
    double? Accuracy,
    long? Count,
    IReadOnlyList<string> Classes,
    IReadOnlyList<IReadOnlyList<long>> ConfusionMatrix,
    IReadOnlyList<ClassEvaluation> PerClass);

/// <summary>Precision, recall, F1 and support of one class.</summary>
public sealed record ClassEvaluation(string Name, double Precision, double Recall, double F1, long Support);

/// <summary>Live counters of one served version since the server started; latencies in milliseconds.</summary>
public sealed record LiveVersionMetrics(
    string Version,
    long HttpRequests,
    long HttpErrors,
    double? LatencyP50Ms,
    double? LatencyP99Ms,
    long InferenceRequests,
    long Rows,
    long Batches,
    long Failed,
    long Rejected,
    double? MeanBatchSize,
    double? ForwardP50Ms);
