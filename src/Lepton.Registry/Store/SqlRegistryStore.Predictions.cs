using System.Data.Common;
using System.Text;

namespace Lepton.Registry.Store;

/// <summary>
/// The prediction log and feedback. Predictions arrive in batches from the server's asynchronous log writer and are
/// written in one transaction per batch with multi-row inserts; an id already stored is skipped, so a batch retried
/// after an uncertain commit does not duplicate rows. Predictions are not audited (they are data, not changes to the
/// registry); feedback that changes a stored label is.
/// Feedback for a prediction id the log has not stored (yet) is accepted: the log is asynchronous and may flush
/// after the client already sent the true label, and refusing it would lose acknowledged feedback. Joins between
/// the two tables resolve once the prediction lands; feedback whose prediction never lands stays unmatched.
/// </summary>
public abstract partial class SqlRegistryStore
{
    private const string PredictionColumns =
        "id, model, version, created_at, latency_ms, predicted_label, input_stats_json, output_json, raw_input_json";
    private const string FeedbackColumns = "prediction_id, model, label, received_at, actor";
    // SQLite finds each named parameter by a linear scan of the statement's names, so binding costs grow with the square
    // of the rows per statement: 256 rows in one statement spent a third of a serving process's CPU in strncmp (bench/RESULTS.md).
    private const int PredictionRowsPerStatement = 16;

    public Task AppendPredictionsAsync(IReadOnlyList<PredictionRecord> predictions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        foreach (var p in predictions) CheckPrediction(p);
        if (predictions.Count == 0) return Task.CompletedTask;
        return WriteAsync("predictions", async (c, tx) =>
        {
            for (int start = 0; start < predictions.Count; start += PredictionRowsPerStatement)
            {
                int count = Math.Min(PredictionRowsPerStatement, predictions.Count - start);
                var sql = new StringBuilder($"INSERT INTO predictions ({PredictionColumns}) VALUES ");
                var parameters = new (string, object?)[count * 9];
                for (int i = 0; i < count; i++)
                {
                    var p = predictions[start + i];
                    if (i > 0) sql.Append(", ");
                    sql.Append($"(@i{i}, @m{i}, @v{i}, @t{i}, @l{i}, @p{i}, @s{i}, @o{i}, @r{i})");
                    parameters[i * 9] = ($"@i{i}", p.Id);
                    parameters[i * 9 + 1] = ($"@m{i}", p.Model);
                    parameters[i * 9 + 2] = ($"@v{i}", p.Version);
                    parameters[i * 9 + 3] = ($"@t{i}", StoreClock.ToMicroseconds(p.CreatedAt));
                    parameters[i * 9 + 4] = ($"@l{i}", p.LatencyMs);
                    parameters[i * 9 + 5] = ($"@p{i}", p.PredictedLabel);
                    parameters[i * 9 + 6] = ($"@s{i}", p.InputStatsJson);
                    parameters[i * 9 + 7] = ($"@o{i}", p.OutputJson);
                    parameters[i * 9 + 8] = ($"@r{i}", p.RawInputJson);
                }
                sql.Append(" ON CONFLICT (id) DO NOTHING");
                await c.ExecuteAsync(tx, sql.ToString(), ct, parameters);
            }
            return true;
        }, ct);
    }

    public Task<PredictionRecord?> GetPredictionAsync(string id, CancellationToken ct = default)
    {
        CheckPredictionId(id);
        return ReadAsync(c => c.QuerySingleAsync(null, $"SELECT {PredictionColumns} FROM predictions WHERE id = @id", MapPrediction, ct, ("@id", id)), ct);
    }

    public Task<IReadOnlyList<PredictionRecord>> ListPredictionsAsync(string model, DateTimeOffset? since = null, int limit = 1000,
        CancellationToken ct = default)
    {
        CheckLogName(model, "model");
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<PredictionRecord>>(async c => await c.QueryAsync(null,
            $"SELECT {PredictionColumns} FROM predictions WHERE model = @model AND created_at >= @since ORDER BY created_at, id LIMIT @limit",
            MapPrediction, ct, ("@model", model), ("@since", SinceMicros(since)), ("@limit", limit)), ct);
    }

    public Task<long> CountPredictionsAsync(string? model = null, DateTimeOffset? since = null, CancellationToken ct = default)
    {
        if (model is not null) CheckLogName(model, "model");
        return ReadAsync(async c => Convert.ToInt64(await c.ScalarAsync(null,
            $"SELECT COUNT(*) FROM predictions WHERE {(model is null ? "" : "model = @model AND ")}created_at >= @since", ct,
            ("@model", model), ("@since", SinceMicros(since)))), ct);
    }

    public Task<FeedbackOutcome> RecordFeedbackAsync(FeedbackRecord feedback, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(feedback);
        CheckPredictionId(feedback.PredictionId);
        CheckLogName(feedback.Model, "model");
        CheckLogName(feedback.Label, "label");
        CheckActor(feedback.Actor);
        var (id, model, label) = (feedback.PredictionId, feedback.Model, feedback.Label);
        long at = StoreClock.ToMicroseconds(feedback.ReceivedAt);
        return WriteAsync("feedback", async (c, tx) =>
        {
            if (await c.ScalarAsync(tx, "SELECT model FROM predictions WHERE id = @id", ct, ("@id", id)) is string predicted && predicted != model)
                throw new ArgumentException($"Prediction '{id}' was made by model '{predicted}', not '{model}'; send its feedback to /v2/models/{predicted}/feedback.");
            var stored = await StoredFeedbackAsync(c, tx, id, ct);
            if (stored is null)
            {
                int inserted = await c.ExecuteAsync(tx,
                    $"INSERT INTO feedback ({FeedbackColumns}) VALUES (@id, @model, @label, @at, @actor) ON CONFLICT (prediction_id) DO NOTHING", ct,
                    ("@id", id), ("@model", model), ("@label", label), ("@at", at), ("@actor", feedback.Actor));
                if (inserted == 1) return FeedbackOutcome.Recorded;
                stored = await StoredFeedbackAsync(c, tx, id, ct) ?? throw new InvalidOperationException($"Feedback for '{id}' vanished while it was being recorded.");
            }
            if (stored.Model != model)
                throw new ArgumentException($"Prediction '{id}' already has feedback under model '{stored.Model}', not '{model}'.");
            if (stored.Label == label) return FeedbackOutcome.Unchanged;
            await c.ExecuteAsync(tx, "UPDATE feedback SET label = @label, received_at = @at, actor = @actor WHERE prediction_id = @id", ct,
                ("@label", label), ("@at", at), ("@actor", feedback.Actor), ("@id", id));
            await AuditAsync(c, tx, StoreClock.Now(), feedback.Actor, "feedback.update", id, new { model, from = stored.Label, to = label }, ct);
            return FeedbackOutcome.Updated;
        }, ct);
    }

    public Task<IReadOnlyList<FeedbackRecord>> ListFeedbackAsync(string? model = null, DateTimeOffset? since = null, int limit = 1000,
        CancellationToken ct = default)
    {
        if (model is not null) CheckLogName(model, "model");
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<FeedbackRecord>>(async c => await c.QueryAsync(null,
            $"SELECT {FeedbackColumns} FROM feedback WHERE {(model is null ? "" : "model = @model AND ")}received_at >= @since ORDER BY received_at, prediction_id LIMIT @limit",
            MapFeedback, ct, ("@model", model), ("@since", SinceMicros(since)), ("@limit", limit)), ct);
    }

    private Task<FeedbackRecord?> StoredFeedbackAsync(DbConnection c, DbTransaction tx, string id, CancellationToken ct) =>
        c.QuerySingleAsync(tx, $"SELECT {FeedbackColumns} FROM feedback WHERE prediction_id = @id {Dialect.ForUpdate}", MapFeedback, ct, ("@id", id));

    private static long SinceMicros(DateTimeOffset? since) => since is { } s ? StoreClock.ToMicroseconds(s) : long.MinValue;

    private static void CheckPrediction(PredictionRecord p)
    {
        ArgumentNullException.ThrowIfNull(p);
        CheckPredictionId(p.Id);
        CheckLogName(p.Model, "model");
        if (p.PredictedLabel is not null) CheckLogName(p.PredictedLabel, "predicted label");
        if (p.Version is < 1) throw new ArgumentException($"Prediction '{p.Id}': version must be 1 or more (or null for a folder model), got {p.Version}.");
        if (!double.IsFinite(p.LatencyMs) || p.LatencyMs < 0)
            throw new ArgumentException($"Prediction '{p.Id}': latency must be a finite number of milliseconds >= 0, got {p.LatencyMs}.");
        if (p.InputStatsJson is null || p.OutputJson is null)
            throw new ArgumentException($"Prediction '{p.Id}': input statistics and output JSON are required (use \"{{}}\" when there is nothing to record).");
    }

    private static void CheckPredictionId(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 100 || id.Any(ch => ch <= ' ' || ch > '~'))
            throw new ArgumentException($"A prediction id must be 1..100 printable ASCII characters without spaces (as the X-Prediction-Id header carries it), got '{Printable(id)}'.");
    }

    private static void CheckLogName(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200 || value.Any(char.IsControl))
            throw new ArgumentException($"The {what} must be 1..200 printable characters, got '{Printable(value)}'.");
    }

    private static string Printable(string? value) =>
        value is null ? "" : new string(value.Take(40).Select(ch => char.IsControl(ch) ? '?' : ch).ToArray());

    private static PredictionRecord MapPrediction(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.NullableInt32(2), r.Time(3), Convert.ToDouble(r.GetValue(4)), r.NullableString(5), r.GetString(6),
            r.GetString(7), r.NullableString(8));

    private static FeedbackRecord MapFeedback(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.GetString(2), r.Time(3), r.GetString(4));
}
