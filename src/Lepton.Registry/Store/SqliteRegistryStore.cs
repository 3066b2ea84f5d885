using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Lepton.Registry.Store;

/// <summary>
/// The embedded registry: one SQLite file (default <c>LEPTON_HOME/registry.db</c>) in WAL mode with
/// synchronous=FULL, foreign keys on and a busy timeout; writers take the write lock up front (BEGIN IMMEDIATE).
/// </summary>
public sealed class SqliteRegistryStore : SqlRegistryStore
{
    private const int BusyTimeoutMilliseconds = 30_000;
    private readonly string _connectionString;

    private SqliteRegistryStore(string path) : base(new SqliteDialect())
    {
        DatabasePath = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = BusyTimeoutMilliseconds / 1000,
        }.ToString();
    }

    public override string Backend => "sqlite";

    /// <summary>The full path of the database file.</summary>
    public string DatabasePath { get; }

    /// <summary>Opens (creating when missing) the database file and brings its schema up to date.</summary>
    public static async Task<SqliteRegistryStore> OpenAsync(string path, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full)) throw new ArgumentException($"The SQLite store path {full} is a folder; give a file such as {Path.Combine(full, "registry.db")}.");
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var store = new SqliteRegistryStore(full);
        try
        {
            await store.EnableWalAsync(ct);
            await store.MigrateAsync(ct);
            return store;
        }
        catch (SqliteException error)
        {
            await store.DisposeAsync();
            throw new RegistryStoreUnavailableException($"cannot open the SQLite store at {full}: {error.Message}; check the file and its folder's permissions.", error);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    // WAL is a property of the file; it persists once set, and lets readers run while one process writes.
    private async Task EnableWalAsync(CancellationToken ct)
    {
        await using var connection = await OpenConnectionAsync(ct);
        var mode = await connection.ScalarAsync(null, "PRAGMA journal_mode = WAL", ct);
        if (!string.Equals(mode as string, "wal", StringComparison.OrdinalIgnoreCase))
            throw new RegistryStoreUnavailableException($"cannot switch the SQLite store at {DatabasePath} to WAL mode (it reports '{mode}'); is it on a network file system?");
    }

    private protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            // Per-connection settings: pooled connections keep them, but setting them again is cheap and certain.
            await connection.ExecuteAsync(null,
                $"PRAGMA busy_timeout = {BusyTimeoutMilliseconds}; PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;", ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private protected override async ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken ct)
    {
        await Task.CompletedTask;
        // deferred: false issues BEGIN IMMEDIATE: the write lock is taken now (waiting up to the busy timeout), so a
        // transaction never upgrades from read to write halfway and the version number it reads stays current.
        return ((SqliteConnection)connection).BeginTransaction(deferred: false);
    }

    public override ValueTask DisposeAsync()
    {
        // Pooled connections hold the file open; release them so the file can be moved or deleted.
        using var connection = new SqliteConnection(_connectionString);
        SqliteConnection.ClearPool(connection);
        return ValueTask.CompletedTask;
    }
}
