using Lepton.Registry.Cluster;
using Lepton.Registry.Store;
using Microsoft.Extensions.Logging;

namespace Lepton.Serving.Models;

/// <summary>Following aliases by notice: on a shared store (PostgreSQL) a promote anywhere reaches this manager at once; polling stays the fallback.</summary>
public sealed partial class ModelManager
{
    private IAliasChangeFeed? _feed;

    /// <summary>True while alias notices from a shared store reach this manager (false on SQLite, or while the listening connection is down).</summary>
    public bool IsListeningForAliasChanges => _feed?.IsListening ?? false;

    /// <summary>Alias notices received from the shared store since the manager started.</summary>
    public long AliasNoticesReceived => _feed?.Received ?? 0;

    /// <summary>
    /// Checks, once, the references of every served model that follows <paramref name="model"/>'s aliases (primary and canary)
    /// and swaps in versions that changed; the alias listener calls this when another process moves that model's aliases.
    /// </summary>
    public async Task CheckAliasesAsync(string model, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        foreach (var served in _published.Values)
        {
            if (served.Reference.Name == model) await FollowRoleAsync(served, VersionRole.Primary, ct).ConfigureAwait(false);
            if (served.CanaryReference?.Name == model) await FollowRoleAsync(served, VersionRole.Canary, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Starts <paramref name="feed"/> (tests) or the store's own feed (PostgreSQL; none on SQLite) when listening is on.</summary>
    private void ListenForAliasChanges(IRegistryStore store, IAliasChangeFeed? feed)
    {
        if (!Options.ListenForAliasChanges) return;
        _feed = feed ?? StoreCluster.AliasChanges(store, logger: _logger);
        // A null model means notices may have been missed (first connect, reconnect): check everything.
        _feed?.Start((model, ct) => model is null ? CheckAliasesAsync(ct) : CheckAliasesAsync(model, ct));
    }

    private async Task StopListeningAsync()
    {
        if (_feed is null) return;
        try
        {
            await _feed.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning("Alias listener did not stop cleanly: {Error}", e.Message);
        }
    }
}
