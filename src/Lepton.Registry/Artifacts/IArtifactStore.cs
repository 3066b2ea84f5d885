namespace Lepton.Registry.Artifacts;

/// <summary>
/// Content-addressed blobs: each is named by the SHA-256 (lowercase hex) of its plaintext bytes, written
/// atomically and verified on every read. Backends: a local folder (default, optionally encrypted) and S3.
/// </summary>
public interface IArtifactStore
{
    /// <summary>Stores the bytes (idempotent) and returns their SHA-256.</summary>
    Task<string> PutAsync(Stream content, CancellationToken ct = default);

    Task<bool> ExistsAsync(string hash, CancellationToken ct = default);

    /// <summary>The verified bytes; a tampered, truncated or foreign blob throws <see cref="ArtifactCorruptedException"/>.</summary>
    Task<byte[]> ReadAsync(string hash, CancellationToken ct = default);

    /// <summary>Re-reads and checks one blob; throws <see cref="ArtifactCorruptedException"/> when it does not match.</summary>
    Task VerifyAsync(string hash, CancellationToken ct = default);

    IAsyncEnumerable<string> ListAsync(CancellationToken ct = default);

    /// <summary>
    /// Streams the verified bytes into <paramref name="destination"/> without holding the whole blob in memory
    /// (where the backend can). When it throws, what was already written is not verified and must be discarded.
    /// </summary>
    async Task CopyToAsync(string hash, Stream destination, CancellationToken ct = default)
    {
        var bytes = await ReadAsync(hash, ct);
        await destination.WriteAsync(bytes, ct);
    }
}

/// <summary>A stored artifact whose bytes no longer match their hash (or cannot be decrypted).</summary>
public sealed class ArtifactCorruptedException(string hash, string location, string problem)
    : Exception($"Artifact {hash} at {location} is corrupted: {problem}. Nothing was loaded from it; restore it from a backup or re-register the model.")
{
    public string Hash { get; } = hash;

    public string Location { get; } = location;
}

/// <summary>A hash the store does not hold.</summary>
public sealed class ArtifactNotFoundException(string hash, string location)
    : Exception($"Artifact {hash} is missing from {location}.")
{
    public string Hash { get; } = hash;
}
