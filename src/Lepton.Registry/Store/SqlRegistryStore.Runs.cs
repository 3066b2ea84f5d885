using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    private const string RunColumns = "id, name, status, parameters_json, started_at, ended_at, host, code_version, dataset_ref, seed, error, started_by";

    public Task<RunRecord> StartRunAsync(string name, string parametersJson, string host, string? codeVersion, string? datasetRef, ulong? seed,
        string actor, CancellationToken ct = default)
    {
        CheckLabel(name, "run name");
        StoreNames.CheckText(parametersJson, "parameters JSON");
        StoreNames.CheckText(host, "host");
        CheckActor(actor);
        return WriteAsync("run", async (c, tx) =>
        {
            var now = StoreClock.Now();
            var run = new RunRecord(Guid.CreateVersion7().ToString("N"), name, RunStatus.Running, parametersJson, now, null, host, codeVersion, datasetRef, seed, null, actor);
            await c.ExecuteAsync(tx, $"INSERT INTO runs ({RunColumns}) VALUES (@id, @name, @status, @params, @at, NULL, @host, @code, @dataset, @seed, NULL, @by)",
                ct, ("@id", run.Id), ("@name", name), ("@status", StatusText(RunStatus.Running)), ("@params", parametersJson),
                ("@at", StoreClock.ToMicroseconds(now)), ("@host", host), ("@code", codeVersion), ("@dataset", datasetRef),
                ("@seed", seed is { } s ? unchecked((long)s) : null), ("@by", actor));
            await AuditAsync(c, tx, now, actor, "run.start", run.Id, new { name, dataset = datasetRef }, ct);
            return run;
        }, ct);
    }

    public Task LogMetricsAsync(string runId, int step, IReadOnlyDictionary<string, double> metrics, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"The metric step must be 0 or more, got {step}.");
        if (metrics.Count == 0) throw new ArgumentException("No metrics to log; pass at least one name and value.");
        foreach (var key in metrics.Keys) CheckLabel(key, "metric name");
        return WriteAsync("metrics", async (c, tx) =>
        {
            var now = StoreClock.Now();
            string actor = await RunActorAsync(c, tx, runId, ct);
            foreach (var (key, value) in metrics)
                await c.ExecuteAsync(tx, """
                    INSERT INTO run_metrics (run_id, step, metric_key, value, logged_at) VALUES (@run, @step, @key, @value, @at)
                    ON CONFLICT (run_id, step, metric_key) DO UPDATE SET value = excluded.value, logged_at = excluded.logged_at
                    """, ct, ("@run", runId), ("@step", step), ("@key", key), ("@value", Dialect.ToDbDouble(value)), ("@at", StoreClock.ToMicroseconds(now)));
            await AuditAsync(c, tx, now, actor, "run.metrics", runId, new { step, keys = metrics.Keys.Order(StringComparer.Ordinal).ToArray() }, ct);
            return true;
        }, ct);
    }

    public Task AppendRunLogAsync(string runId, string text, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        return WriteAsync("log", async (c, tx) =>
        {
            var now = StoreClock.Now();
            string actor = await RunActorAsync(c, tx, runId, ct);
            await c.ExecuteAsync(tx, "INSERT INTO run_logs (run_id, logged_at, content) VALUES (@run, @at, @text)", ct,
                ("@run", runId), ("@at", StoreClock.ToMicroseconds(now)), ("@text", text));
            await AuditAsync(c, tx, now, actor, "run.log", runId, new { characters = text.Length }, ct);
            return true;
        }, ct);
    }

    public Task EndRunAsync(string runId, RunStatus status, string? error, string actor, CancellationToken ct = default)
    {
        if (status == RunStatus.Running) throw new ArgumentException("A run cannot end as running; pass completed, failed or cancelled.");
        if (!Enum.IsDefined(status)) throw new ArgumentOutOfRangeException(nameof(status), $"Unknown run status {status}.");
        CheckActor(actor);
        return WriteAsync("run", async (c, tx) =>
        {
            var now = StoreClock.Now();
            var current = await c.ScalarAsync(tx, $"SELECT status FROM runs WHERE id = @id{Dialect.ForUpdate}", ct, ("@id", runId))
                ?? throw UnknownRun(runId);
            if ((string)current != StatusText(RunStatus.Running))
                throw new InvalidOperationException($"Run {runId} has already ended as {current}; a run ends once.");
            await c.ExecuteAsync(tx, "UPDATE runs SET status = @status, ended_at = @at, error = @error WHERE id = @id", ct,
                ("@status", StatusText(status)), ("@at", StoreClock.ToMicroseconds(now)), ("@error", error), ("@id", runId));
            await AuditAsync(c, tx, now, actor, "run.end", runId, new { status = StatusText(status), error }, ct);
            return true;
        }, ct);
    }

    public Task<RunRecord?> GetRunAsync(string runId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return ReadAsync(c => c.QuerySingleAsync(null, $"SELECT {RunColumns} FROM runs WHERE id = @id", MapRun, ct, ("@id", runId)), ct);
    }

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(int limit = 100, CancellationToken ct = default)
    {
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<RunRecord>>(async c => await c.QueryAsync(null,
            $"SELECT {RunColumns} FROM runs ORDER BY started_at DESC, id DESC LIMIT @limit", MapRun, ct, ("@limit", limit)), ct);
    }

    public Task<IReadOnlyList<RunRecord>> FindRunsAsync(string idPrefix, int limit = 10, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(idPrefix);
        CheckLimit(limit);
        // Hex digits only, so the prefix can hold none of LIKE's wildcards.
        if (!idPrefix.All(char.IsAsciiHexDigitLower))
            throw new ArgumentException($"A run id holds lower-case hex digits only, got '{idPrefix}'.", nameof(idPrefix));
        return ReadAsync<IReadOnlyList<RunRecord>>(async c => await c.QueryAsync(null,
            $"SELECT {RunColumns} FROM runs WHERE id LIKE @prefix ORDER BY id LIMIT @limit", MapRun, ct, ("@prefix", idPrefix + "%"), ("@limit", limit)), ct);
    }

    public Task<IReadOnlyList<RunMetric>> GetRunMetricsAsync(string runId, CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<RunMetric>>(async c =>
        {
            await RunActorAsync(c, null, runId, ct);
            return await c.QueryAsync(null, "SELECT run_id, step, metric_key, value, logged_at FROM run_metrics WHERE run_id = @run ORDER BY step, metric_key",
                r => new RunMetric(r.GetString(0), r.Int32(1), r.GetString(2), ReadDouble(r, 3), r.Time(4)), ct, ("@run", runId));
        }, ct);

    public Task<string> GetRunLogAsync(string runId, CancellationToken ct = default) =>
        ReadAsync(async c =>
        {
            await RunActorAsync(c, null, runId, ct);
            var parts = await c.QueryAsync(null, "SELECT content FROM run_logs WHERE run_id = @run ORDER BY id", r => r.GetString(0), ct, ("@run", runId));
            return new StringBuilder().AppendJoin("", parts).ToString();
        }, ct);

    /// <summary>Who started the run (the actor its telemetry is audited under); throws when the run does not exist.</summary>
    private static async Task<string> RunActorAsync(DbConnection c, DbTransaction? tx, string runId, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(runId)) throw new ArgumentException("The run id is empty.");
        return (string?)await c.ScalarAsync(tx, "SELECT started_by FROM runs WHERE id = @id", ct, ("@id", runId)) ?? throw UnknownRun(runId);
    }

    private static KeyNotFoundException UnknownRun(string runId) =>
        new($"No run has the id '{runId}'; list runs with `lepton runs list`.");

    private static void CheckLabel(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 200 || value.Any(char.IsControl))
            throw new ArgumentException($"The {what} must be 1..200 printable characters, got '{value}'.");
    }

    private static string StatusText(RunStatus status) => status.ToString().ToLowerInvariant();

    // SQLite cannot store NaN as a REAL, so that dialect writes it as text; read both forms back.
    private static double ReadDouble(DbDataReader r, int ordinal) =>
        r.GetValue(ordinal) is string text ? double.Parse(text, CultureInfo.InvariantCulture) : Convert.ToDouble(r.GetValue(ordinal), CultureInfo.InvariantCulture);

    private static RunRecord MapRun(DbDataReader r) => new(r.GetString(0), r.GetString(1), Enum.Parse<RunStatus>(r.GetString(2), ignoreCase: true),
        r.GetString(3), r.Time(4), r.NullableTime(5), r.GetString(6), r.NullableString(7), r.NullableString(8),
        r.IsDBNull(9) ? null : unchecked((ulong)r.Int64(9)), r.NullableString(10), r.GetString(11));
}
