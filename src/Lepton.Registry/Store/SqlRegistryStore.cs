using System.Data.Common;
using System.Text.Json;

namespace Lepton.Registry.Store;

/// <summary>
/// The registry on any ADO.NET database: schema migrations, write transactions with retries, the audit log
/// and all record mapping live here; the SQLite and PostgreSQL stores add only connections and a dialect.
/// </summary>
public abstract partial class SqlRegistryStore : IRegistryStore
{
    private const int MaxWriteAttempts = 8;

    private protected SqlRegistryStore(SqlDialect dialect) => Dialect = dialect;

    private protected SqlDialect Dialect { get; }

    public abstract string Backend { get; }

    /// <summary>A new open connection, configured for this store (pragmas, search path).</summary>
    private protected abstract ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct);

    /// <summary>Starts a transaction that already holds whatever lock writers need (SQLite: BEGIN IMMEDIATE).</summary>
    private protected virtual async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct) =>
        await connection.BeginTransactionAsync(ct);

    public abstract ValueTask DisposeAsync();

    public async Task<int> SchemaVersionAsync(CancellationToken ct = default)
    {
        var applied = await AppliedMigrationsAsync(ct);
        return applied.Count == 0 ? 0 : applied.Max();
    }

    /// <summary>The migration versions recorded in schema_migrations, in order (one row per applied step).</summary>
    internal Task<List<int>> AppliedMigrationsAsync(CancellationToken ct = default) =>
        ReadAsync(c => c.QueryAsync(null, "SELECT version FROM schema_migrations ORDER BY version", r => r.Int32(0), ct), ct);

    /// <summary>Applies the missing schema steps in one transaction; concurrent openers wait for each other and apply nothing twice.</summary>
    private protected Task MigrateAsync(CancellationToken ct) => WriteAsync("migrate", async (c, tx) =>
    {
        if (Dialect.MigrationLock is { } lockSql) await c.ExecuteAsync(tx, lockSql, ct);
        await c.ExecuteAsync(tx, SchemaMigrations.CreateMigrationsTable, ct);
        var applied = (await c.QueryAsync(tx, "SELECT version FROM schema_migrations", r => r.Int32(0), ct)).ToHashSet();
        foreach (var migration in SchemaMigrations.All.Where(m => !applied.Contains(m.Version)))
        {
            foreach (var statement in migration.Statements) await c.ExecuteAsync(tx, Dialect.Render(statement), ct);
            await c.ExecuteAsync(tx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (@v, @n, @at)", ct,
                ("@v", migration.Version), ("@n", migration.Name), ("@at", StoreClock.ToMicroseconds(StoreClock.Now())));
        }
        int newest = applied.Count == 0 ? 0 : applied.Max();
        if (newest > SchemaMigrations.Latest)
            throw new InvalidOperationException($"The registry schema is version {newest}, newer than this build of Lepton knows ({SchemaMigrations.Latest}); upgrade Lepton.");
        return true;
    }, ct);

    /// <summary>Runs one write transaction, retrying it from the start when the database reports a transient conflict.</summary>
    private protected async Task<T> WriteAsync<T>(string operation, Func<DbConnection, DbTransaction, Task<T>> body, CancellationToken ct)
    {
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await OpenConnectionAsync(ct);
                await using var transaction = await BeginWriteAsync(connection, ct);
                var result = await body(connection, transaction);
                StoreFaults.Hit(operation + ":before-commit");
                await transaction.CommitAsync(ct);
                StoreFaults.Hit(operation + ":after-commit");
                return result;
            }
            catch (Exception error) when (attempt < MaxWriteAttempts && Dialect.IsTransient(error))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Random.Shared.Next(5, 20) * attempt), ct);
            }
        }
    }

    private protected async Task<T> ReadAsync<T>(Func<DbConnection, Task<T>> body, CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        return await body(connection);
    }

    private static Task AuditAsync(DbConnection c, DbTransaction tx, DateTimeOffset at, string actor, string action, string target, object details,
        CancellationToken ct) =>
        c.ExecuteAsync(tx, "INSERT INTO audit_log (at_time, actor, action, target, details_json) VALUES (@at, @actor, @action, @target, @details)", ct,
            ("@at", StoreClock.ToMicroseconds(at)), ("@actor", actor), ("@action", action), ("@target", target),
            ("@details", JsonSerializer.Serialize(details)));

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(int limit = 100, CancellationToken ct = default)
    {
        CheckLimit(limit);
        return ReadAsync<IReadOnlyList<AuditEntry>>(async c => await c.QueryAsync(null,
            "SELECT id, at_time, actor, action, target, details_json FROM audit_log ORDER BY id DESC LIMIT @limit",
            r => new AuditEntry(r.Int64(0), r.Time(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5)), ct, ("@limit", limit)), ct);
    }

    private static string CheckActor(string? actor)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > 200 || actor.Any(char.IsControl))
            throw new ArgumentException("The actor (who makes the change) must be 1..200 printable characters, e.g. a user or key name.");
        return actor;
    }

    private static void CheckLimit(int limit)
    {
        if (limit is < 1 or > 100_000) throw new ArgumentOutOfRangeException(nameof(limit), $"The limit must be 1..100000, got {limit}.");
    }
}
