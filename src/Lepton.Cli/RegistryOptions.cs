using System.CommandLine;
using Lepton.Registry.Store;

namespace Lepton.Cli;

/// <summary>The <c>--store</c> option and store opening shared by the registry verbs.</summary>
public static class RegistryOptions
{
    public static Option<string?> Store() => new("--store")
    {
        Description = "Registry store: postgres://user:pass@host:port/db, sqlite:PATH (default: LEPTON_STORE, else SQLite in $LEPTON_HOME).",
    };

    public static Task<IRegistryStore> OpenAsync(string? store, CancellationToken ct) => RegistryStoreFactory.OpenAsync(store, null, ct);

    /// <summary>Who is acting, for the audit log.</summary>
    public static string Actor => Environment.GetEnvironmentVariable("LEPTON_ACTOR") is { Length: > 0 } a ? a : $"{Environment.UserName}@{Environment.MachineName}";
}
