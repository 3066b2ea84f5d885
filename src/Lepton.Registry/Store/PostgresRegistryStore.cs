using System.Data.Common;
using Npgsql;

namespace Lepton.Registry.Store;

/// <summary>
/// The registry on PostgreSQL (Npgsql) for teams: writers serialise per model on the model row's lock, and
/// migrations on an advisory lock, so many machines can register, promote and log at once.
/// </summary>
public sealed class PostgresRegistryStore : SqlRegistryStore
{
    private readonly NpgsqlDataSource _dataSource;

    private PostgresRegistryStore(NpgsqlDataSource dataSource, string endpoint) : base(new PostgresDialect())
    {
        _dataSource = dataSource;
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
        var store = new PostgresRegistryStore(NpgsqlDataSource.Create(builder), $"{hostPort}/{builder.Database}");
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

    private protected override async ValueTask<DbConnection> OpenConnectionAsync(CancellationToken ct) => await _dataSource.OpenConnectionAsync(ct);

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();
}
