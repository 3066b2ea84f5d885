using System.Data.Common;
using Npgsql;

namespace Lepton.Registry.Store;

/// <summary>
/// The registry on PostgreSQL (Npgsql) for teams: writers serialise per model on the model row's lock, and
/// migrations on an advisory lock, so many machines can register, promote and log at once.
/// </summary>
public sealed partial class PostgresRegistryStore : SqlRegistryStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _dedicated;

    private PostgresRegistryStore(NpgsqlDataSource dataSource, NpgsqlConnectionStringBuilder settings, string endpoint) : base(new PostgresDialect())
    {
        _dataSource = dataSource;
        // Outside the pool: a pooled connection is reset only when it is next handed out, so closing one would keep its
        // session (a held advisory lock, a LISTEN) alive; an unpooled one ends its server session when it closes.
        _dedicated = new NpgsqlConnectionStringBuilder(settings.ConnectionString) { Pooling = false }.ConnectionString;
        Endpoint = endpoint;
    }

    public override string Backend => "postgres";

    /// <summary>host:port/database, without credentials, for messages.</summary>
    public string Endpoint { get; }

    /// <summary>Connects with an Npgsql connection string (Host=...;Database=...), brings the schema up to date and returns the store.</summary>
    public static async Task<PostgresRegistryStore> OpenAsync(string connectionString, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {error.Message}; use Host=...;Port=...;Database=...;Username=...", error);
        }
        string hostPort = $"{builder.Host}:{builder.Port}";
        var store = new PostgresRegistryStore(NpgsqlDataSource.Create(builder), builder, $"{hostPort}/{builder.Database}");
        try
        {
            await store.MigrateAsync(ct);
            return store;
        }
        catch (PostgresException error)
        {
            await store.DisposeAsync();
            throw new RegistryStoreUnavailableException(
                $"PostgreSQL at {hostPort} refused to open the store: {error.MessageText} ({error.SqlState}); fix LEPTON_STORE or the server's settings.", error);
        }
        catch (NpgsqlException error)
        {
            await store.DisposeAsync();
            throw new RegistryStoreUnavailableException($"cannot reach PostgreSQL at {hostPort}: {Innermost(error).Message}; start the server or fix LEPTON_STORE.", error);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner) error = inner;
        return error;
    }

    /// <summary>
    /// A connection of this process's own, outside the pool, for session state that must end when it closes or the
    /// process dies: the alias listener and leader election (Lepton.Registry.Cluster) hold one each. The application name
    /// shows in pg_stat_activity, so an operator sees which session leads or listens.
    /// </summary>
    internal async Task<NpgsqlConnection> OpenDedicatedConnectionAsync(string applicationName, CancellationToken ct)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(_dedicated) { ApplicationName = applicationName }.ConnectionString);
        try
        {
            await connection.OpenAsync(ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    /// <summary>A connection from the store's pool, for short statements of the coordination helpers (shared rate windows).</summary>
    internal ValueTask<NpgsqlConnection> OpenPooledConnectionAsync(CancellationToken ct) => _dataSource.OpenConnectionAsync(ct);

    private protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
