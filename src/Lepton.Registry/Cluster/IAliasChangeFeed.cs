namespace Lepton.Registry.Cluster;

/// <summary>
/// Tells this process as soon as any process moves a model's aliases in the shared store (promote, rollback, a deleted
/// version, an import), so a server need not wait for its next poll. Notices sent while the listening connection is down
/// are lost, so the handler also hears null ("anything may have changed") after every (re)connect, and polling stays the fallback.
/// </summary>
public interface IAliasChangeFeed : IAsyncDisposable
{
    /// <summary>True while the listening connection is up.</summary>
    bool IsListening { get; }

    /// <summary>Notices received since start.</summary>
    long Received { get; }

    /// <summary>Starts listening; <paramref name="onChange"/> gets a model name, or null after a (re)connect. Handlers run one at a time.</summary>
    void Start(Func<string?, CancellationToken, Task> onChange);
}
