namespace Lepton.Registry.Store;

/// <summary>A version of a dataset: its content hash (of the manifest artifact), manifest, schema and statistics as JSON.</summary>
public sealed record DatasetVersion(
    string Name,
    int Version,
    string ContentHash,
    string ManifestJson,
    string SchemaJson,
    string StatisticsJson,
    int? ParentVersion,
    DateTimeOffset CreatedAt,
    string CreatedBy);

/// <summary>The life of a training run.</summary>
public enum RunStatus
{
    Running,
    Completed,
    Failed,
    Cancelled,
}

/// <summary>A training run: what went in (parameters, dataset version, seed, code version), how it ended, and who started it.</summary>
public sealed record RunRecord(
    string Id,
    string Name,
    RunStatus Status,
    string ParametersJson,
    DateTimeOffset StartedAt,
    DateTimeOffset? EndedAt,
    string Host,
    string? CodeVersion,
    string? DatasetRef,
    ulong? Seed,
    string? Error,
    string? StartedBy = null);

/// <summary>One metric value of a run at a step (an epoch for per-epoch metrics).</summary>
public sealed record RunMetric(string RunId, int Step, string Key, double Value, DateTimeOffset At);

/// <summary>A registered model name.</summary>
public sealed record ModelRecord(string Name, string Description, DateTimeOffset CreatedAt, int LatestVersion);

/// <summary>
/// One immutable version of a model: the artifact (SHA-256 of the stored model manifest), a summary of
/// the architecture, metrics, the run that made it and its signature (inputs, outputs, class names) as JSON.
/// </summary>
public sealed record ModelVersion(
    string Model,
    int Version,
    string ArtifactHash,
    string ArchitectureSummary,
    string MetricsJson,
    string? RunId,
    string? DatasetRef,
    string SignatureJson,
    DateTimeOffset CreatedAt,
    string CreatedBy);

/// <summary>What a new model version is made of; the store assigns the version number.</summary>
public sealed record NewModelVersion(
    string Model,
    string ArtifactHash,
    string ArchitectureSummary,
    string MetricsJson,
    string? RunId,
    string? DatasetRef,
    string SignatureJson,
    string CreatedBy);

/// <summary>A named pointer (production, staging, ...) at a model version.</summary>
public sealed record AliasRecord(string Model, string Alias, int Version, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>Why an alias moved: set by a user, rolled back, or removed because its version was deleted.</summary>
public enum AliasChangeKind
{
    Set,
    Rollback,
    Delete,
}

/// <summary>
/// One move of an alias; PreviousVersion is null when the alias was created, Version null when it was removed.
/// Kind matters for rollback, which walks back over sets and skips what earlier rollbacks undid.
/// </summary>
public sealed record AliasChange(long Id, string Model, string Alias, int? PreviousVersion, int? Version, DateTimeOffset At, string Actor,
    AliasChangeKind Kind = AliasChangeKind.Set);

/// <summary>Scopes an API key can hold.</summary>
[Flags]
public enum KeyScopes
{
    None = 0,
    Predict = 1,
    Feedback = 2,
    Admin = 4,
}

/// <summary>An API key as stored: only a hash of the secret, never the secret itself.</summary>
public sealed record ApiKeyRecord(
    string Id,
    string Name,
    string SecretHash,
    KeyScopes Scopes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? RevokedAt);

/// <summary>One entry of the audit log: who did what to which target, and when.</summary>
public sealed record AuditEntry(long Id, DateTimeOffset At, string Actor, string Action, string Target, string DetailsJson);
