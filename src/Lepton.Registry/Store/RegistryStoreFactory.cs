using Npgsql;

namespace Lepton.Registry.Store;

/// <summary>Which backend a store setting names, the connection to use, and a display form without secrets.</summary>
public sealed record RegistryStoreTarget(string Backend, string Connection, string Display);

/// <summary>
/// Opens the registry store a setting names: nothing → SQLite at <c>LEPTON_HOME/registry.db</c> (LEPTON_HOME
/// defaults to <c>./.lepton</c>), unless <c>LEPTON_STORE</c> is set; <c>postgres://user:pass@host:port/db</c> or an
/// Npgsql connection string (<c>Host=...</c>) → PostgreSQL; <c>sqlite:PATH</c> or a <c>.db</c> path → SQLite.
/// Without an argument or LEPTON_STORE, the <c>store:</c> key of ./lepton.yaml is used when present.
/// </summary>
public static class RegistryStoreFactory
{
    public const string StoreVariable = "LEPTON_STORE";
    public const string HomeVariable = "LEPTON_HOME";
    public const string DefaultHome = ".lepton";
    public const string DefaultFileName = "registry.db";

    /// <summary>Opens the store (running migrations). Connection errors are <see cref="RegistryStoreUnavailableException"/> with the fix.</summary>
    public static async Task<IRegistryStore> OpenAsync(string? connection = null, string? leptonHome = null, CancellationToken ct = default)
    {
        var target = Resolve(connection, leptonHome);
        return target.Backend == "postgres"
            ? await PostgresRegistryStore.OpenAsync(target.Connection, ct)
            : await SqliteRegistryStore.OpenAsync(target.Connection, ct);
    }

    /// <summary>Blocking form of <see cref="OpenAsync"/> for synchronous callers.</summary>
    public static IRegistryStore Open(string? connection = null, string? leptonHome = null) =>
        OpenAsync(connection, leptonHome).GetAwaiter().GetResult();

    /// <summary>The LEPTON_HOME folder: the argument, else the environment variable, else ./.lepton.</summary>
    public static string Home(string? leptonHome = null)
    {
        string? home = string.IsNullOrWhiteSpace(leptonHome) ? Environment.GetEnvironmentVariable(HomeVariable) : leptonHome;
        return Path.GetFullPath(string.IsNullOrWhiteSpace(home) ? DefaultHome : home);
    }

    /// <summary>Decides the backend without connecting.</summary>
    public static RegistryStoreTarget Resolve(string? connection = null, string? leptonHome = null)
    {
        string? setting = string.IsNullOrWhiteSpace(connection) ? Environment.GetEnvironmentVariable(StoreVariable) : connection;
        if (string.IsNullOrWhiteSpace(setting)) setting = LeptonYamlSettings.Store();
        setting = setting?.Trim();
        if (string.IsNullOrEmpty(setting)) return Sqlite(Path.Combine(Home(leptonHome), DefaultFileName));
        if (setting.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || setting.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase))
            return PostgresUrl.Parse(setting);
        if (setting.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            string path = setting["sqlite:".Length..];
            if (path.StartsWith("//", StringComparison.Ordinal)) path = path[2..];
            if (path.Length == 0) throw new ArgumentException("The store setting 'sqlite:' names no file; use sqlite:PATH, e.g. sqlite:./.lepton/registry.db.");
            return Sqlite(path);
        }
        if (LooksLikeNpgsql(setting)) return Npgsql(setting);
        if (setting.EndsWith(".db", StringComparison.OrdinalIgnoreCase) || setting.EndsWith(".sqlite", StringComparison.OrdinalIgnoreCase)) return Sqlite(setting);
        throw new ArgumentException($"The store setting '{PostgresUrl.Redact(setting)}' names no known backend; use postgres://user:pass@host:port/db, " +
                                    "Host=...;Database=..., sqlite:PATH or a path ending in .db.");
    }

    private static RegistryStoreTarget Sqlite(string path)
    {
        string full = Path.GetFullPath(path);
        return new RegistryStoreTarget("sqlite", full, "sqlite:" + full);
    }

    private static bool LooksLikeNpgsql(string setting) =>
        setting.Contains('=') && setting.Split(';').Any(part => part.Trim().StartsWith("Host", StringComparison.OrdinalIgnoreCase) ||
                                                               part.Trim().StartsWith("Server", StringComparison.OrdinalIgnoreCase));

    private static RegistryStoreTarget Npgsql(string connectionString)
    {
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(connectionString);
        }
        catch (ArgumentException error)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {error.Message}; use Host=...;Port=...;Database=...;Username=...");
        }
        return new RegistryStoreTarget("postgres", builder.ConnectionString, $"postgres://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}");
    }
}
