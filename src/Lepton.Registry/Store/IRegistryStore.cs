namespace Lepton.Registry.Store;

/// <summary>
/// The registry's records, one interface over SQLite (embedded default) and PostgreSQL. Every mutating
/// call is one transaction and appends an audit entry in that same transaction; version numbers are
/// assigned inside it, so they stay unique and gap-free under concurrent writers.
/// </summary>
public interface IRegistryStore : IAsyncDisposable
{
    /// <summary>"sqlite" or "postgres".</summary>
    string Backend { get; }

    /// <summary>The schema version after migrations ran.</summary>
    Task<int> SchemaVersionAsync(CancellationToken ct = default);

    // ---- datasets ----
    Task<DatasetVersion> AddDatasetVersionAsync(string name, string contentHash, string manifestJson, string schemaJson,
        string statisticsJson, int? parentVersion, string actor, CancellationToken ct = default);
    Task<DatasetVersion?> GetDatasetVersionAsync(string name, int version, CancellationToken ct = default);
    Task<IReadOnlyList<DatasetVersion>> ListDatasetVersionsAsync(string? name = null, CancellationToken ct = default);

    // ---- runs ----
    Task<RunRecord> StartRunAsync(string name, string parametersJson, string host, string? codeVersion, string? datasetRef,
        ulong? seed, string actor, CancellationToken ct = default);
    /// <summary>Appends metrics; visible to other processes as soon as the call returns.</summary>
    Task LogMetricsAsync(string runId, int step, IReadOnlyDictionary<string, double> metrics, CancellationToken ct = default);
    Task AppendRunLogAsync(string runId, string text, CancellationToken ct = default);
    Task EndRunAsync(string runId, RunStatus status, string? error, string actor, CancellationToken ct = default);
    Task<RunRecord?> GetRunAsync(string runId, CancellationToken ct = default);
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit = 100, CancellationToken ct = default);
    /// <summary>Up to <paramref name="limit"/> runs whose id starts with <paramref name="idPrefix"/> (lower-case hex digits only).</summary>
    Task<IReadOnlyList<RunRecord>> FindRunsAsync(string idPrefix, int limit = 10, CancellationToken ct = default);
    Task<IReadOnlyList<RunMetric>> GetRunMetricsAsync(string runId, CancellationToken ct = default);
    Task<string> GetRunLogAsync(string runId, CancellationToken ct = default);

    // ---- models and versions ----
    /// <summary>Creates the model when new and adds version max+1 atomically.</summary>
    Task<ModelVersion> RegisterModelVersionAsync(NewModelVersion version, CancellationToken ct = default);
    Task<ModelRecord?> GetModelAsync(string name, CancellationToken ct = default);
    Task<IReadOnlyList<ModelRecord>> ListModelsAsync(CancellationToken ct = default);
    Task<ModelVersion?> GetModelVersionAsync(string name, int version, CancellationToken ct = default);
    Task<IReadOnlyList<ModelVersion>> ListModelVersionsAsync(string name, CancellationToken ct = default);
    /// <summary>Deletes one version (and aliases pointing at it), or the whole model when version is null.</summary>
    Task DeleteModelAsync(string name, int? version, string actor, CancellationToken ct = default);

    // ---- aliases ----
    /// <summary>Points an alias at a version (creating or moving it) and records the change in its history.</summary>
    Task<AliasRecord> SetAliasAsync(string model, string alias, int version, string actor, CancellationToken ct = default);
    /// <summary>Moves the alias back to the version it pointed at before its last change.</summary>
    Task<AliasRecord> RollbackAliasAsync(string model, string alias, string actor, CancellationToken ct = default);
    Task<AliasRecord?> GetAliasAsync(string model, string alias, CancellationToken ct = default);
    Task<IReadOnlyList<AliasRecord>> ListAliasesAsync(string model, CancellationToken ct = default);
    Task<IReadOnlyList<AliasChange>> GetAliasHistoryAsync(string model, string alias, CancellationToken ct = default);

    // ---- import ----
    /// <summary>
    /// Writes records from another store as they are, in one transaction: dataset versions, runs (same ids, metric
    /// times, logs), models, versions (same numbers, gaps kept), aliases and their full history, and one audit entry.
    /// Records already present are skipped, so importing the same batch twice changes nothing; a record that differs
    /// from the one already present (another artifact under the same version number) fails the whole import.
    /// </summary>
    Task<ImportBatchResult> ImportRecordsAsync(ImportBatch batch, string actor, CancellationToken ct = default);

    // ---- API keys ----
    Task<ApiKeyRecord> AddApiKeyAsync(string name, string secretHash, KeyScopes scopes, DateTimeOffset? expiresAt, string actor,
        CancellationToken ct = default);
    Task<ApiKeyRecord?> GetApiKeyAsync(string id, CancellationToken ct = default);
    Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct = default);
    Task RevokeApiKeyAsync(string id, string actor, CancellationToken ct = default);

    // ---- audit ----
    Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, CancellationToken ct = default);

    // ---- prediction log and feedback ----
    /// <summary>Stores a batch of served predictions in one transaction; ids already stored are skipped (a retried batch adds nothing).</summary>
    Task AppendPredictionsAsync(IReadOnlyList<PredictionRecord> predictions, CancellationToken ct = default);
    Task<PredictionRecord?> GetPredictionAsync(string id, CancellationToken ct = default);
    /// <summary>A model's predictions made at or after <paramref name="since"/>, oldest first.</summary>
    Task<IReadOnlyList<PredictionRecord>> ListPredictionsAsync(string model, DateTimeOffset? since = null, int limit = 1000, CancellationToken ct = default);
    Task<long> CountPredictionsAsync(string? model = null, DateTimeOffset? since = null, CancellationToken ct = default);
    /// <summary>
    /// Stores the true label for a prediction, durably, before returning. The same label again changes nothing; a different
    /// label replaces it and is audited. An id the prediction log has not stored (yet) is accepted, since the log is asynchronous.
    /// </summary>
    Task<FeedbackOutcome> RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default);
    /// <summary>Feedback received at or after <paramref name="since"/> (for one model, or all), oldest first.</summary>
    Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(string? model = null, DateTimeOffset? since = null, int limit = 1000, CancellationToken ct = default);

    /// <summary>
    /// Feedback joined with its logged prediction (feedback whose prediction has not landed is left out), received at or
    /// after <paramref name="since"/>, oldest first: the labelled examples live accuracy and retraining are made of.
    /// </summary>
    Task<IReadOnlyList<LabeledPrediction>> ListLabeledPredictionsAsync(string model, DateTimeOffset? since = null, int limit = 1000,
        CancellationToken ct = default);

    // ---- labeling ----
    /// <summary>
    /// Stores one label durably before returning (one transaction). A label of a served prediction (<see cref="LabelRecord.Model"/>
    /// set) also records that prediction's feedback in the same transaction, so the loop retrains on it. The same label again
    /// changes nothing; a different one replaces it and is audited.
    /// </summary>
    Task<FeedbackOutcome> RecordLabelAsync(LabelRecord label, CancellationToken ct = default);
    /// <summary>Every label stored for a data set (its items and the predictions labelled for it), oldest first.</summary>
    Task<IReadOnlyList<LabelRecord>> ListLabelsAsync(string dataset, CancellationToken ct = default);
    /// <summary>
    /// Keeps the image of a low-confidence served prediction for labeling; at most <paramref name="maxPerModel"/> per model are
    /// kept (the most uncertain). Returns false when it was not kept (already stored, or less uncertain than all kept ones).
    /// </summary>
    Task<bool> AddLabelCandidateAsync(LabelCandidate candidate, ReadOnlyMemory<byte> image, int maxPerModel, CancellationToken ct = default);
    /// <summary>Kept candidates, most uncertain first, for one model or all.</summary>
    Task<IReadOnlyList<LabelCandidate>> ListLabelCandidatesAsync(string? model = null, int limit = 1000, CancellationToken ct = default);
    /// <summary>
    /// Fills in the raw input (JSON array of the example's values) of a logged prediction that was stored without one (not
    /// sampled), so a labelled prediction can be retrained on; returns false when the prediction is absent or already has one.
    /// </summary>
    Task<bool> SetPredictionRawInputAsync(string predictionId, string rawInputJson, CancellationToken ct = default);
    /// <summary>A kept candidate's image bytes, or null when none is kept under that prediction id.</summary>
    Task<byte[]?> GetLabelCandidateImageAsync(string predictionId, CancellationToken ct = default);

    // ---- the closed loop: decisions, alerts, recipe steps ----
    /// <summary>Appends one loop decision (and an audit entry) and returns it with its id and time.</summary>
    Task<LoopDecisionRecord> AddLoopDecisionAsync(NewLoopDecision decision, CancellationToken ct = default);
    /// <summary>Loop decisions, newest first, for one model or all.</summary>
    Task<IReadOnlyList<LoopDecisionRecord>> ListLoopDecisionsAsync(string? model = null, int limit = 100, CancellationToken ct = default);
    /// <summary>Records an alert that fired; <paramref name="firedAt"/> defaults to now.</summary>
    Task<AlertEventRecord> AddAlertEventAsync(string model, int? version, string rule, double value, double threshold, string message,
        DateTimeOffset? firedAt = null, CancellationToken ct = default);
    /// <summary>Alerts fired at or after <paramref name="since"/>, newest first, for one model or all.</summary>
    Task<IReadOnlyList<AlertEventRecord>> ListAlertEventsAsync(string? model = null, DateTimeOffset? since = null, int limit = 100,
        CancellationToken ct = default);
    /// <summary>Creates or replaces the state of one recipe step.</summary>
    Task SetRecipeStepAsync(string recipe, string step, RecipeStepStatus status, string outputJson, CancellationToken ct = default);
    /// <summary>Every recorded step of a recipe, in the order they were first recorded.</summary>
    Task<IReadOnlyList<RecipeStepRecord>> ListRecipeStepsAsync(string recipe, CancellationToken ct = default);
}
