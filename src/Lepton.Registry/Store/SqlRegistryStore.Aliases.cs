using System.Data.Common;

namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    public Task<AliasRecord> SetAliasAsync(string model, string alias, int version, string actor, CancellationToken ct = default)
    {
        StoreNames.Check(model, "model");
        StoreNames.CheckAlias(alias);
        StoreNames.CheckVersion(version, "model");
        CheckActor(actor);
        return WriteAsync("alias", async (c, tx) =>
        {
            var now = StoreClock.Now();
            await LockModelAsync(c, tx, model, ct);
            StoreFaults.Hit("alias:after-lock");
            await RequireVersionAsync(c, tx, model, version, ct);
            var current = await c.QuerySingleAsync(tx, "SELECT model, alias, version, updated_at, updated_by FROM model_aliases WHERE model = @model AND alias = @alias",
                MapAlias, ct, ("@model", model), ("@alias", alias));
            if (current?.Version == version) return current;
            return await MoveAliasAsync(c, tx, model, alias, current?.Version, version, AliasChangeKind.Set, now, actor, ct);
        }, ct);
    }

    public Task<AliasRecord> RollbackAliasAsync(string model, string alias, string actor, CancellationToken ct = default)
    {
        StoreNames.Check(model, "model");
        StoreNames.CheckAlias(alias);
        CheckActor(actor);
        return WriteAsync("alias", async (c, tx) =>
        {
            var now = StoreClock.Now();
            await LockModelAsync(c, tx, model, ct);
            StoreFaults.Hit("alias:after-lock");
            var history = await c.QueryAsync(tx, "SELECT previous_version, version, kind FROM alias_history WHERE model = @model AND alias = @alias ORDER BY id",
                r => (Previous: r.NullableInt32(0), Version: r.NullableInt32(1), Kind: ParseKind(r.GetString(2))),
                ct, ("@model", model), ("@alias", alias));
            if (history.Count == 0) throw new KeyNotFoundException($"Model '{model}' has no alias '{alias}'; set it first with `lepton models promote`.");
            var existing = (await c.QueryAsync(tx, "SELECT version FROM model_versions WHERE model = @model", r => r.Int32(0), ct, ("@model", model))).ToHashSet();
            var stack = PointedVersions(history);
            var current = await c.ScalarAsync(tx, "SELECT version FROM model_aliases WHERE model = @model AND alias = @alias", ct,
                ("@model", model), ("@alias", alias));
            // The top of the stack is where the alias points now (or pointed before its version was deleted);
            // roll back to the newest earlier version that still exists.
            if (stack.Count > 0) stack.RemoveAt(stack.Count - 1);
            while (stack.Count > 0 && !existing.Contains(stack[^1])) stack.RemoveAt(stack.Count - 1);
            if (stack.Count == 0)
                throw new InvalidOperationException($"Alias '{alias}' of model '{model}' has no earlier version to roll back to; set it with `lepton models promote`.");
            int? from = current is null ? null : Convert.ToInt32(current);
            return await MoveAliasAsync(c, tx, model, alias, from, stack[^1], AliasChangeKind.Rollback, now, actor, ct);
        }, ct);
    }

    /// <summary>Replays an alias's history into the stack of versions it was set to; a rollback pops back to the version it moved to.</summary>
    private static List<int> PointedVersions(IEnumerable<(int? Previous, int? Version, AliasChangeKind Kind)> history)
    {
        var stack = new List<int>();
        foreach (var change in history)
        {
            if (change.Kind == AliasChangeKind.Set && change.Version is { } set) stack.Add(set);
            else if (change.Kind == AliasChangeKind.Rollback && change.Version is { } target)
                while (stack.Count > 0 && stack[^1] != target) stack.RemoveAt(stack.Count - 1);
        }
        return stack;
    }

    private async Task<AliasRecord> MoveAliasAsync(DbConnection c, DbTransaction tx, string model, string alias, int? from, int to, AliasChangeKind kind,
        DateTimeOffset now, string actor, CancellationToken ct)
    {
        await c.ExecuteAsync(tx, """
            INSERT INTO model_aliases (model, alias, version, updated_at, updated_by) VALUES (@model, @alias, @version, @at, @by)
            ON CONFLICT (model, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, ct, ("@model", model), ("@alias", alias), ("@version", to), ("@at", StoreClock.ToMicroseconds(now)), ("@by", actor));
        StoreFaults.Hit("alias:after-upsert");
        await AddAliasHistoryAsync(c, tx, model, alias, from, to, kind, now, actor, ct);
        StoreFaults.Hit("alias:after-history");
        string action = kind == AliasChangeKind.Rollback ? "alias.rollback" : "alias.set";
        await AuditAsync(c, tx, now, actor, action, $"{model}@{alias}", new { from, to }, ct);
        await NoticeAliasChangeAsync(c, tx, model, ct);
        return new AliasRecord(model, alias, to, now, actor);
    }

    /// <summary>Tells listening replicas (PostgreSQL) that the model's aliases moved, once this transaction commits.</summary>
    private async Task NoticeAliasChangeAsync(DbConnection c, DbTransaction tx, string model, CancellationToken ct)
    {
        if (Dialect.AliasChangedNotice is { } notice) await c.ExecuteAsync(tx, notice, ct, ("@model", model));
    }

    private static Task AddAliasHistoryAsync(DbConnection c, DbTransaction tx, string model, string alias, int? from, int? to, AliasChangeKind kind,
        DateTimeOffset at, string actor, CancellationToken ct) =>
        c.ExecuteAsync(tx, """
            INSERT INTO alias_history (model, alias, previous_version, version, kind, changed_at, actor)
            VALUES (@model, @alias, @from, @to, @kind, @at, @actor)
            """, ct, ("@model", model), ("@alias", alias), ("@from", from), ("@to", to), ("@kind", KindText(kind)),
            ("@at", StoreClock.ToMicroseconds(at)), ("@actor", actor));

    private static async Task RequireVersionAsync(DbConnection c, DbTransaction tx, string model, int version, CancellationToken ct)
    {
        if (await c.ScalarAsync(tx, "SELECT 1 FROM model_versions WHERE model = @model AND version = @version", ct, ("@model", model), ("@version", version)) is null)
            throw new KeyNotFoundException($"Model '{model}' has no version {version}; list them with `lepton models show {model}`.");
    }

    public Task<AliasRecord?> GetAliasAsync(string model, string alias, CancellationToken ct = default)
    {
        StoreNames.Check(model, "model");
        StoreNames.CheckAlias(alias);
        return ReadAsync(c => c.QuerySingleAsync(null, "SELECT model, alias, version, updated_at, updated_by FROM model_aliases WHERE model = @model AND alias = @alias",
            MapAlias, ct, ("@model", model), ("@alias", alias)), ct);
    }

    public Task<IReadOnlyList<AliasRecord>> ListAliasesAsync(string model, CancellationToken ct = default)
    {
        StoreNames.Check(model, "model");
        return ReadAsync<IReadOnlyList<AliasRecord>>(async c => await c.QueryAsync(null,
            "SELECT model, alias, version, updated_at, updated_by FROM model_aliases WHERE model = @model ORDER BY alias", MapAlias, ct, ("@model", model)), ct);
    }

    public Task<IReadOnlyList<AliasChange>> GetAliasHistoryAsync(string model, string alias, CancellationToken ct = default)
    {
        StoreNames.Check(model, "model");
        StoreNames.CheckAlias(alias);
        return ReadAsync<IReadOnlyList<AliasChange>>(async c => await c.QueryAsync(null, """
            SELECT id, model, alias, previous_version, version, changed_at, actor, kind FROM alias_history
            WHERE model = @model AND alias = @alias ORDER BY id
            """, MapAliasChange,
            ct, ("@model", model), ("@alias", alias)), ct);
    }

    private static AliasChange MapAliasChange(DbDataReader r) => new(r.Int64(0), r.GetString(1), r.GetString(2), r.NullableInt32(3), r.NullableInt32(4),
        r.Time(5), r.GetString(6), ParseKind(r.GetString(7)));

    private static AliasChangeKind ParseKind(string text) => Enum.Parse<AliasChangeKind>(text, ignoreCase: true);

    private static string KindText(AliasChangeKind kind) => kind.ToString().ToLowerInvariant();

    private static AliasRecord MapAlias(DbDataReader r) => new(r.GetString(0), r.GetString(1), r.Int32(2), r.Time(3), r.GetString(4));
}
