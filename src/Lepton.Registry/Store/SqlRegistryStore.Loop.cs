namespace Lepton.Registry.Store;

/// <summary>
/// Records of the closed loop: decisions (audited, since they explain why aliases moved), fired alerts, the state of
/// recipe steps for resumable runs, and feedback joined with its predictions for live accuracy and retraining.
/// </summary>
public abstract partial class SqlRegistryStore
{
    private const string DecisionColumns = "id, model, at_time, step, decision, champion_version, challenger_version, reason, numbers_json, actor";
    private const string AlertColumns = "id, model, version, rule, value, threshold, message, fired_at";

    public Task<IReadOnlyList<LabeledPrediction>> ListLabeledPredictionsAsync(string model, DateTimeOffset? since = null, int limit = 1000,
        CancellationToken ct = default)
    {
        CheckLogName(model, "model");
        CheckLimit(limit);
        string predictionColumns = string.Join(", ", PredictionColumns.Split(", ").Select(c => "p." + c));
        string feedbackColumns = string.Join(", ", FeedbackColumns.Split(", ").Select(c => "f." + c));
        return ReadAsync<IReadOnlyList<LabeledPrediction>>(async c => await c.QueryAsync(null,
            $"""
             SELECT {predictionColumns}, {feedbackColumns} FROM feedback f JOIN predictions p ON p.id = f.prediction_id
             WHERE f.model = @model AND f.received_at >= @since ORDER BY f.received_at, f.prediction_id LIMIT @limit
             """,
            r => new LabeledPrediction(MapPrediction(r),
                new FeedbackRecord(r.GetString(9), r.GetString(10), r.GetString(11), r.Time(12), r.GetString(13))),
            ct, ("@model", model), ("@since", SinceMicros(since)), ("@limit", limit)), ct);
    }

    public Task<LoopDecisionRecord> AddLoopDecisionAsync(NewLoopDecision decision, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(decision);
        CheckLogName(decision.Model, "model");
        CheckLogName(decision.Step, "loop step");
        CheckLogName(decision.Decision, "decision");
        CheckActor(decision.Actor);
        if (string.IsNullOrWhiteSpace(decision.Reason)) throw new ArgumentException("A loop decision needs a reason: say why it was taken.");
        CheckJson(decision.NumbersJson, "numbers");
        var now = StoreClock.Now();
        return WriteAsync("loop-decision", async (c, tx) =>
        {
            long id = Convert.ToInt64(await c.ScalarAsync(tx,
                """
                INSERT INTO loop_decisions (model, at_time, step, decision, champion_version, challenger_version, reason, numbers_json, actor)
                VALUES (@model, @at, @step, @decision, @champion, @challenger, @reason, @numbers, @actor) RETURNING id
                """, ct, ("@model", decision.Model), ("@at", StoreClock.ToMicroseconds(now)), ("@step", decision.Step), ("@decision", decision.Decision),
                ("@champion", decision.ChampionVersion), ("@challenger", decision.ChallengerVersion), ("@reason", decision.Reason),
                ("@numbers", decision.NumbersJson), ("@actor", decision.Actor)));
            await AuditAsync(c, tx, now, decision.Actor, "loop." + decision.Step, decision.Model,
                new { decision = decision.Decision, champion = decision.ChampionVersion, challenger = decision.ChallengerVersion, reason = decision.Reason }, ct);
            return new LoopDecisionRecord(id, decision.Model, now, decision.Step, decision.Decision, decision.ChampionVersion, decision.ChallengerVersion,
                decision.Reason, decision.NumbersJson, decision.Actor);
        }, ct);
    }

    public Task<IReadOnlyList<LoopDecisionRecord>> ListLoopDecisionsAsync(string? model = null, int limit = 100, CancellationToken ct = default)
    {
        if (model is not null) CheckLogName(model, "model");
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<LoopDecisionRecord>>(async c => await c.QueryAsync(null,
            $"SELECT {DecisionColumns} FROM loop_decisions {(model is null ? "" : "WHERE model = @model ")}ORDER BY id DESC LIMIT @limit",
            r => new LoopDecisionRecord(r.Int64(0), r.GetString(1), r.Time(2), r.GetString(3), r.GetString(4), r.NullableInt32(5), r.NullableInt32(6),
                r.GetString(7), r.GetString(8), r.GetString(9)), ct, ("@model", model), ("@limit", limit)), ct);
    }

    public Task<AlertEventRecord> AddAlertEventAsync(string model, int? version, string rule, double value, double threshold, string message,
        DateTimeOffset? firedAt = null, CancellationToken ct = default)
    {
        CheckLogName(model, "model");
        CheckLogName(rule, "alert rule");
        CheckLogName(message, "alert message");
        if (!double.IsFinite(value) || !double.IsFinite(threshold))
            throw new ArgumentException($"Alert '{rule}': the value and threshold must be finite numbers, got {value} and {threshold}.");
        var at = firedAt ?? StoreClock.Now();
        return WriteAsync("alert", async (c, tx) =>
        {
            long id = Convert.ToInt64(await c.ScalarAsync(tx,
                "INSERT INTO alert_events (model, version, rule, value, threshold, message, fired_at) VALUES (@model, @version, @rule, @value, @threshold, @message, @at) RETURNING id",
                ct, ("@model", model), ("@version", version), ("@rule", rule), ("@value", value), ("@threshold", threshold), ("@message", message),
                ("@at", StoreClock.ToMicroseconds(at))));
            return new AlertEventRecord(id, model, version, rule, value, threshold, message, StoreClock.FromMicroseconds(StoreClock.ToMicroseconds(at)));
        }, ct);
    }

    public Task<IReadOnlyList<AlertEventRecord>> ListAlertEventsAsync(string? model = null, DateTimeOffset? since = null, int limit = 100,
        CancellationToken ct = default)
    {
        if (model is not null) CheckLogName(model, "model");
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<AlertEventRecord>>(async c => await c.QueryAsync(null,
            $"SELECT {AlertColumns} FROM alert_events WHERE {(model is null ? "" : "model = @model AND ")}fired_at >= @since ORDER BY fired_at DESC, id DESC LIMIT @limit",
            r => new AlertEventRecord(r.Int64(0), r.GetString(1), r.NullableInt32(2), r.GetString(3), Convert.ToDouble(r.GetValue(4)),
                Convert.ToDouble(r.GetValue(5)), r.GetString(6), r.Time(7)), ct, ("@model", model), ("@since", SinceMicros(since)), ("@limit", limit)), ct);
    }

    public Task SetRecipeStepAsync(string recipe, string step, RecipeStepStatus status, string outputJson, CancellationToken ct = default)
    {
        CheckLogName(recipe, "recipe id");
        CheckLogName(step, "recipe step");
        CheckJson(outputJson, "step output");
        long now = StoreClock.ToMicroseconds(StoreClock.Now());
        return WriteAsync("recipe-step", async (c, tx) => await c.ExecuteAsync(tx,
            """
            INSERT INTO recipe_steps (recipe, step, status, output_json, created_at, updated_at) VALUES (@recipe, @step, @status, @output, @now, @now)
            ON CONFLICT (recipe, step) DO UPDATE SET status = excluded.status, output_json = excluded.output_json, updated_at = excluded.updated_at
            """, ct, ("@recipe", recipe), ("@step", step), ("@status", status.ToString()), ("@output", outputJson), ("@now", now)), ct);
    }

    public Task<IReadOnlyList<RecipeStepRecord>> ListRecipeStepsAsync(string recipe, CancellationToken ct = default)
    {
        CheckLogName(recipe, "recipe id");
        return ReadAsync<IReadOnlyList<RecipeStepRecord>>(async c => await c.QueryAsync(null,
            "SELECT recipe, step, status, output_json, updated_at FROM recipe_steps WHERE recipe = @recipe ORDER BY created_at, step",
            r => new RecipeStepRecord(r.GetString(0), r.GetString(1), Enum.Parse<RecipeStepStatus>(r.GetString(2)), r.GetString(3), r.Time(4)),
            ct, ("@recipe", recipe)), ct);
    }

    private static void CheckJson(string? json, string what)
    {
        if (string.IsNullOrWhiteSpace(json)) throw new ArgumentException($"The {what} JSON is required (use \"{{}}\" when there is nothing to record).");
        try
        {
            using var _ = System.Text.Json.JsonDocument.Parse(json);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ArgumentException($"The {what} is not valid JSON: {e.Message}");
        }
    }
}
