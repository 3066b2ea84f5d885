using System.Data.Common;

namespace Lepton.Registry.Store;

/// <summary>
/// Labels and labeling candidates. Each label is one transaction, durable when the call returns; a label for a served
/// prediction writes the prediction's feedback in the same transaction, so the loop retrains on it. Candidates (images of
/// low-confidence predictions) are bounded per model: adding one beyond the bound drops the least uncertain.
/// </summary>
public abstract partial class SqlRegistryStore
{
    private const string LabelColumns = "dataset, kind, item, model, label, actor, created_at";
    private const string CandidateColumns = "prediction_id, model, uncertainty, guesses_json, content_type, created_at";

    /// <summary>The most bytes one candidate image may hold.</summary>
    public const int MaxCandidateImageBytes = 4 * 1024 * 1024;

    public Task<FeedbackOutcome> RecordLabelAsync(LabelRecord label, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(label);
        CheckLogName(label.Dataset, "data set name");
        CheckLogName(label.Label, "label");
        CheckActor(label.Actor);
        if (label.Model is { } model)
        {
            CheckLogName(model, "model");
            CheckPredictionId(label.Item);
        }
        else CheckItemPath(label.Item);
        string kind = label.IsPrediction ? "prediction" : "item";
        long at = StoreClock.ToMicroseconds(label.CreatedAt);
        return WriteAsync("label", async (c, tx) =>
        {
            if (label.Model is { } m)
                await RecordFeedbackInAsync(c, tx, new FeedbackRecord(label.Item, m, label.Label, label.CreatedAt, label.Actor), ct);
            var stored = await c.QuerySingleAsync(tx, $"SELECT {LabelColumns} FROM labels WHERE dataset = @d AND kind = @k AND item = @i {Dialect.ForUpdate}",
                MapLabel, ct, ("@d", label.Dataset), ("@k", kind), ("@i", label.Item));
            if (stored is null)
            {
                int inserted = await c.ExecuteAsync(tx,
                    $"INSERT INTO labels ({LabelColumns}) VALUES (@d, @k, @i, @m, @l, @a, @t) ON CONFLICT (dataset, kind, item) DO NOTHING", ct,
                    ("@d", label.Dataset), ("@k", kind), ("@i", label.Item), ("@m", label.Model), ("@l", label.Label), ("@a", label.Actor), ("@t", at));
                if (inserted == 1) return FeedbackOutcome.Recorded;
                stored = await c.QuerySingleAsync(tx, $"SELECT {LabelColumns} FROM labels WHERE dataset = @d AND kind = @k AND item = @i", MapLabel, ct,
                             ("@d", label.Dataset), ("@k", kind), ("@i", label.Item))
                         ?? throw new InvalidOperationException($"The label of '{label.Item}' vanished while it was being recorded.");
            }
            if (stored.Label == label.Label && stored.Model == label.Model) return FeedbackOutcome.Unchanged;
            await c.ExecuteAsync(tx, "UPDATE labels SET label = @l, model = @m, actor = @a, created_at = @t WHERE dataset = @d AND kind = @k AND item = @i", ct,
                ("@l", label.Label), ("@m", label.Model), ("@a", label.Actor), ("@t", at), ("@d", label.Dataset), ("@k", kind), ("@i", label.Item));
            await AuditAsync(c, tx, StoreClock.Now(), label.Actor, "label.update", $"{label.Dataset}:{label.Item}",
                new { dataset = label.Dataset, item = label.Item, from = stored.Label, to = label.Label }, ct);
            return FeedbackOutcome.Updated;
        }, ct);
    }

    public Task<IReadOnlyList<LabelRecord>> ListLabelsAsync(string dataset, CancellationToken ct = default)
    {
        CheckLogName(dataset, "data set name");
        return ReadAsync<IReadOnlyList<LabelRecord>>(async c => await c.QueryAsync(null,
            $"SELECT {LabelColumns} FROM labels WHERE dataset = @d ORDER BY created_at, kind, item", MapLabel, ct, ("@d", dataset)), ct);
    }

    public Task<bool> AddLabelCandidateAsync(LabelCandidate candidate, ReadOnlyMemory<byte> image, int maxPerModel, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        CheckPredictionId(candidate.PredictionId);
        CheckLogName(candidate.Model, "model");
        CheckLogName(candidate.ContentType, "content type");
        if (!double.IsFinite(candidate.Uncertainty) || candidate.Uncertainty is < 0 or > 1)
            throw new ArgumentException($"A candidate's uncertainty must be in 0..1, got {candidate.Uncertainty}.");
        if (image.Length is 0 or > MaxCandidateImageBytes)
            throw new ArgumentException($"A candidate image must be 1..{MaxCandidateImageBytes} bytes, got {image.Length}.");
        if (maxPerModel is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(maxPerModel), $"maxPerModel must be 1..100000, got {maxPerModel}.");
        return WriteAsync("label-candidate", async (c, tx) =>
        {
            if (await c.ScalarAsync(tx, "SELECT 1 FROM label_candidates WHERE prediction_id = @p", ct, ("@p", candidate.PredictionId)) is not null) return false;
            long count = Convert.ToInt64(await c.ScalarAsync(tx, "SELECT COUNT(*) FROM label_candidates WHERE model = @m", ct, ("@m", candidate.Model)));
            if (count >= maxPerModel)
            {
                // Full: the new image only gets in when it is more uncertain than the least uncertain one kept.
                var least = await c.QuerySingleAsync(tx,
                    "SELECT prediction_id, uncertainty FROM label_candidates WHERE model = @m ORDER BY uncertainty, created_at LIMIT 1",
                    r => Tuple.Create(r.GetString(0), Convert.ToDouble(r.GetValue(1))), ct, ("@m", candidate.Model));
                if (least is null || least.Item2 >= candidate.Uncertainty) return false;
                await c.ExecuteAsync(tx, "DELETE FROM label_candidates WHERE prediction_id = @p", ct, ("@p", least.Item1));
            }
            int inserted = await c.ExecuteAsync(tx,
                $"INSERT INTO label_candidates ({CandidateColumns}, image) VALUES (@p, @m, @u, @g, @c, @t, @img) ON CONFLICT (prediction_id) DO NOTHING", ct,
                ("@p", candidate.PredictionId), ("@m", candidate.Model), ("@u", candidate.Uncertainty), ("@g", candidate.GuessesJson),
                ("@c", candidate.ContentType), ("@t", StoreClock.ToMicroseconds(candidate.CreatedAt)), ("@img", image.ToArray()));
            return inserted == 1;
        }, ct);
    }

    public Task<IReadOnlyList<LabelCandidate>> ListLabelCandidatesAsync(string? model = null, int limit = 1000, CancellationToken ct = default)
    {
        if (model is not null) CheckLogName(model, "model");
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<LabelCandidate>>(async c => await c.QueryAsync(null,
            $"SELECT {CandidateColumns} FROM label_candidates {(model is null ? "" : "WHERE model = @m ")}ORDER BY uncertainty DESC, created_at, prediction_id LIMIT @limit",
            r => new LabelCandidate(r.GetString(0), r.GetString(1), Convert.ToDouble(r.GetValue(2)), r.GetString(3), r.GetString(4), r.Time(5)), ct,
            ("@m", model), ("@limit", limit)), ct);
    }

    public Task<byte[]?> GetLabelCandidateImageAsync(string predictionId, CancellationToken ct = default)
    {
        CheckPredictionId(predictionId);
        return ReadAsync(async c => await c.ScalarAsync(null, "SELECT image FROM label_candidates WHERE prediction_id = @p", ct, ("@p", predictionId)) as byte[], ct);
    }

    public Task<bool> SetPredictionRawInputAsync(string predictionId, string rawInputJson, CancellationToken ct = default)
    {
        CheckPredictionId(predictionId);
        if (string.IsNullOrEmpty(rawInputJson) || rawInputJson[0] != '[')
            throw new ArgumentException("A prediction's raw input is a JSON array of the example's values, as the prediction log samples it.");
        return WriteAsync("prediction-raw-input", async (c, tx) => await c.ExecuteAsync(tx,
            "UPDATE predictions SET raw_input_json = @r WHERE id = @i AND raw_input_json IS NULL", ct, ("@r", rawInputJson), ("@i", predictionId)) == 1, ct);
    }

    private static void CheckItemPath(string? path)
    {
        if (string.IsNullOrEmpty(path) || path.Length > 1000 || path.Any(char.IsControl) || path.StartsWith('/') || path.Contains('\\')
            || path.Split('/').Any(part => part is "" or "." or ".."))
            throw new ArgumentException($"A data set item must be a relative path with '/' separators and no '.' or '..' parts (as the manifest lists it), got '{Printable(path)}'.");
    }

    private static LabelRecord MapLabel(DbDataReader r) =>
        new(r.GetString(0), r.GetString(2), r.GetString(4), r.GetString(5), r.Time(6), r.GetString(1) == "prediction" ? r.GetString(3) : null);
}
