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
    private protected const string PredictionColumns =
        "id, model, version, created_at, latency_ms, predicted_label, input_stats_json, output_json, raw_input_json";
    private const string FeedbackColumns = "prediction_id, model, label, received_at, actor";
    public Task AppendPredictionsAsync(IReadOnlyList<PredictionRecord> predictions, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        foreach (var p in predictions) CheckPrediction(p);
        if (predictions.Count == 0) return Task.CompletedTask;
        return WriteAsync("predictions", (c, tx) => InsertPredictionsAsync(c, tx, predictions, ct), ct);
    }

    /// <summary>Inserts a checked batch in the caller's transaction, skipping ids already stored; backends override it with a bulk form.</summary>
    private protected virtual async Task<bool> InsertPredictionsAsync(DbConnection c, DbTransaction tx, IReadOnlyList<PredictionRecord> predictions,
        CancellationToken ct)
    {
        // One single-row insert executed once per row in the batch's transaction: the command keeps its compiled
        // statement between executions, so the SQL is parsed once per batch and each row binds 9 parameters. (Multi-row
        // statements were compiled per 16 rows, and SQLite finds a named parameter by scanning all the statement's names.)
        await using var insert = c.Command(tx,
            $"INSERT INTO predictions ({PredictionColumns}) VALUES (@i, @m, @v, @t, @l, @p, @s, @o, @r) ON CONFLICT (id) DO NOTHING",
            ("@i", null), ("@m", null), ("@v", null), ("@t", null), ("@l", null), ("@p", null), ("@s", null), ("@o", null), ("@r", null));
        var values = insert.Parameters;
        foreach (var p in predictions)
        {
            values[0].Value = p.Id;
            values[1].Value = p.Model;
            values[2].Value = (object?)p.Version ?? DBNull.Value;
            values[3].Value = StoreClock.ToMicroseconds(p.CreatedAt);
            values[4].Value = p.LatencyMs;
            values[5].Value = (object?)p.PredictedLabel ?? DBNull.Value;
            values[6].Value = (object?)p.InputStatsJson ?? DBNull.Value;
            values[7].Value = (object?)p.OutputJson ?? DBNull.Value;
            values[8].Value = (object?)p.RawInputJson ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(ct);
        }
        return true;
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
        return WriteAsync("feedback", (c, tx) => RecordFeedbackInAsync(c, tx, feedback, ct), ct);
    }

    // The feedback write inside a caller's transaction (feedback alone, or a label of a served prediction).
    private async Task<FeedbackOutcome> RecordFeedbackInAsync(DbConnection c, DbTransaction tx, FeedbackRecord feedback, CancellationToken ct)
    {
        var (id, model, label) = (feedback.PredictionId, feedback.Model, feedback.Label);
        long at = StoreClock.ToMicroseconds(feedback.ReceivedAt);
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
