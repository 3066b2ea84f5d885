using Lepton.Registry.Store;
using Npgsql;

namespace Lepton.Registry.Cluster;

/// <summary>
/// Shared rate-limit windows in PostgreSQL: one row per key and window, claimed with one upsert that grants at most what is
/// left (<c>INSERT ... ON CONFLICT DO UPDATE ... RETURNING</c>; the row lock orders concurrent claims). Windows that ended a
/// minute ago are deleted now and then.
/// </summary>
public sealed class PostgresRateWindowStore : IRateWindowStore
{
    // UNLOGGED and created on first use rather than by a schema migration: these counters live for seconds, are not registry
    // records (archives and imports ignore them), need no crash safety, and a write-ahead log entry per claim would be waste.
    private const string CreateTable = """
        CREATE UNLOGGED TABLE IF NOT EXISTS lepton_rate_windows (
            key TEXT NOT NULL,
            window_start BIGINT NOT NULL,
            window_end BIGINT NOT NULL,
            used INTEGER NOT NULL,
            granted INTEGER NOT NULL,
            PRIMARY KEY (key, window_start))
        """;

    // In UPDATE ... SET every right-hand side sees the row as it was, so `granted` is what this claim took.
    private const string Claim = """
        INSERT INTO lepton_rate_windows AS w (key, window_start, window_end, used, granted)
        VALUES (@key, @start, @end, LEAST(@wanted, @limit), LEAST(@wanted, @limit))
        ON CONFLICT (key, window_start) DO UPDATE
            SET granted = LEAST(@wanted, @limit - w.used), used = LEAST(w.used + @wanted, @limit)
            WHERE w.used < @limit
        RETURNING granted
        """;

    private static readonly TimeSpan CleanupEvery = TimeSpan.FromMinutes(1);

    private readonly PostgresRegistryStore _store;
    private readonly TimeProvider _clock;
    private readonly SemaphoreSlim _creating = new(1, 1);
    private volatile bool _created;
    private long _nextCleanupMs;

    public PostgresRateWindowStore(PostgresRegistryStore store, TimeProvider? clock = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _clock = clock ?? TimeProvider.System;
    }

    public async Task<int> ClaimAsync(string key, long windowStartMs, long windowEndMs, int wanted, int limit, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(key) || key.Length > 300) throw new ArgumentException($"A rate-limit key must be 1..300 characters, got {key?.Length ?? 0}.", nameof(key));
        if (windowEndMs <= windowStartMs) throw new ArgumentException($"The window must end after it starts, got [{windowStartMs}, {windowEndMs}).");
        if (limit < 1) throw new ArgumentOutOfRangeException(nameof(limit), $"The limit must be at least 1, got {limit}.");
        if (wanted < 1 || wanted > limit) throw new ArgumentOutOfRangeException(nameof(wanted), $"A claim must want 1..limit ({limit}), got {wanted}.");
        await EnsureTableAsync(ct);
        await using var connection = await _store.OpenPooledConnectionAsync(ct);
        await CleanupIfDueAsync(connection, ct);
        await using var command = new NpgsqlCommand(Claim, connection);
        command.Parameters.AddWithValue("key", key);
        command.Parameters.AddWithValue("start", windowStartMs);
        command.Parameters.AddWithValue("end", windowEndMs);
        command.Parameters.AddWithValue("wanted", wanted);
        command.Parameters.AddWithValue("limit", limit);
        return await command.ExecuteScalarAsync(ct) is int granted ? granted : 0;
    }

    private async Task EnsureTableAsync(CancellationToken ct)
    {
        if (_created) return;
        await _creating.WaitAsync(ct);
        try
        {
            if (_created) return;
            await using var connection = await _store.OpenPooledConnectionAsync(ct);
            await using var tx = await connection.BeginTransactionAsync(ct);
            // Two replicas creating the table at once would collide in the catalog; the lock makes the second see the first's table.
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('lepton:rate-windows:' || coalesce(current_schema(), ''), 0))", connection, tx))
                await lockCommand.ExecuteNonQueryAsync(ct);
            await using (var create = new NpgsqlCommand(CreateTable, connection, tx)) await create.ExecuteNonQueryAsync(ct);
            await tx.CommitAsync(ct);
            _created = true;
        }
        finally
        {
            _creating.Release();
        }
    }

    private async Task CleanupIfDueAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        long now = _clock.GetUtcNow().ToUnixTimeMilliseconds();
        long due = Interlocked.Read(ref _nextCleanupMs);
        if (now < due || Interlocked.CompareExchange(ref _nextCleanupMs, now + (long)CleanupEvery.TotalMilliseconds, due) != due) return;
        await using var delete = new NpgsqlCommand("DELETE FROM lepton_rate_windows WHERE window_end < @before", connection);
        delete.Parameters.AddWithValue("before", now - (long)CleanupEvery.TotalMilliseconds);
        await delete.ExecuteNonQueryAsync(ct);
    }
}
