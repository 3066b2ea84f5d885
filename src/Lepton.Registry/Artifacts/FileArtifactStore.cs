using System.Runtime.CompilerServices;

namespace Lepton.Registry.Artifacts;

/// <summary>
/// Artifacts in a local folder, at <c>ROOT/sha256/ab/cdef...</c> (the first two hex characters name a subfolder).
/// A put streams into a temp file while hashing, fsyncs it, renames it into place and fsyncs the folder, so a
/// crash leaves either the whole blob or none. Every read re-hashes (and, when encrypted, authenticates) the bytes.
/// </summary>
public sealed class FileArtifactStore : IArtifactStore
{
    private const string Layout = "sha256";
    private const string TempFolder = ".tmp";
    private readonly string _blobRoot;
    private readonly IBlobCodec _codec;
    private readonly ArtifactStoreMarker _marker;
    private volatile bool _markerWritten;
    private int _tempSwept;

    public FileArtifactStore(FileArtifactStoreOptions options)
    {
        Root = Path.GetFullPath(options.Root);
        _blobRoot = Path.Combine(Root, Layout);
        var existing = ArtifactStoreMarker.Read(Root);
        var key = options.EncryptionKey;
        if (existing is { Encrypted: true } && key is null)
            throw new InvalidOperationException(
                $"The artifact store at {Root} is encrypted (AES-256-GCM) but no key was given: set {EncryptionKey.KeyVariable} " +
                $"(32 bytes as base64 or hex) or {EncryptionKey.KeyFileVariable} to the key it was created with.");
        if (existing is { Encrypted: false } && key is not null)
            throw new InvalidOperationException(
                $"The artifact store at {Root} was created without encryption, but an encryption key is set: unset " +
                $"{EncryptionKey.KeyVariable}/{EncryptionKey.KeyFileVariable} for this store, or use a new LEPTON_HOME for encrypted artifacts.");
        _marker = existing ?? ArtifactStoreMarker.For(key);
        _markerWritten = existing is not null;
        _codec = key is null ? PlainBlobCodec.Instance : new AesGcmBlobCodec(key, DecryptionFailureCause(key, existing));
    }

    /// <summary>The store at <c>LEPTON_HOME/artifacts</c>, encrypted when <c>LEPTON_ENCRYPTION_KEY(_FILE)</c> is set.</summary>
    public static FileArtifactStore OpenDefault() => new(FileArtifactStoreOptions.FromEnvironment());

    public string Root { get; }

    public bool Encrypted => _marker.Encrypted;

    /// <summary>Chunk size of encrypted blobs; small values let tests cover many chunks cheaply.</summary>
    internal int EncryptionChunkSize
    {
        init { if (_codec is AesGcmBlobCodec aes) aes.ChunkSize = value; }
    }

    /// <summary>Where the blob with this hash lives (whether or not it exists).</summary>
    public string PathOf(string hash)
    {
        ArtifactHash.Validate(hash);
        return Path.Combine(_blobRoot, hash[..2], hash[2..]);
    }

    public async Task<string> PutAsync(Stream content, CancellationToken ct = default)
    {
        EnsureMarker();
        var tempDir = Path.Combine(_blobRoot, TempFolder);
        DurableFileSystem.EnsureDirectory(_blobRoot);
        DurableFileSystem.EnsureDirectory(tempDir);
        if (Interlocked.Exchange(ref _tempSwept, 1) == 0) SweepAbandonedTempFiles(tempDir);
        var temp = Path.Combine(tempDir, Guid.NewGuid().ToString("N") + ".part");
        try
        {
            string hash;
            await using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
            {
                hash = await _codec.EncodeAsync(content, file, ct);
                file.Flush(flushToDisk: true);
            }
            var target = PathOf(hash);
            // Idempotent: an intact copy stays; a damaged one is replaced by the fresh bytes.
            if (File.Exists(target) && await IsIntactAsync(hash, ct))
            {
                File.Delete(temp);
                return hash;
            }
            DurableFileSystem.EnsureDirectory(Path.GetDirectoryName(target)!);
            DurableFileSystem.CommitRename(temp, target);
            return hash;
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    public Task<bool> ExistsAsync(string hash, CancellationToken ct = default) => Task.FromResult(File.Exists(PathOf(hash)));

    public async Task<byte[]> ReadAsync(string hash, CancellationToken ct = default)
    {
        var path = PathOf(hash);
        await using var file = OpenForRead(hash, path);
        long storedLength = file.Length;
        long expectedLength = _codec.PlaintextLength(storedLength) ?? Math.Min(storedLength, Array.MaxLength);
        if (expectedLength > Array.MaxLength)
            throw new IOException($"Artifact {hash} is {storedLength:N0} bytes, too large to read into memory; use CopyToAsync.");
        var buffer = new MemoryStream((int)expectedLength);
        await DecodeAsync(hash, path, file, buffer, ct);
        if (_codec.PlaintextLength(storedLength) is { } size && buffer.Length != size)
            throw new ArtifactCorruptedException(hash, path, $"its size changed while it was read ({size:N0} → {buffer.Length:N0} bytes)");
        return buffer.Length == buffer.Capacity ? buffer.GetBuffer() : buffer.ToArray();
    }

    public async Task CopyToAsync(string hash, Stream destination, CancellationToken ct = default)
    {
        var path = PathOf(hash);
        await using var file = OpenForRead(hash, path);
        await DecodeAsync(hash, path, file, destination, ct);
    }

    public async Task VerifyAsync(string hash, CancellationToken ct = default)
    {
        var path = PathOf(hash);
        await using var file = OpenForRead(hash, path);
        await DecodeAsync(hash, path, file, Stream.Null, ct);
    }

    public async IAsyncEnumerable<string> ListAsync([EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!Directory.Exists(_blobRoot)) yield break;
        foreach (var dir in Directory.EnumerateDirectories(_blobRoot).Order(StringComparer.Ordinal))
        {
            var prefix = Path.GetFileName(dir);
            if (prefix.Length != 2) continue;
            foreach (var file in Directory.EnumerateFiles(dir).Order(StringComparer.Ordinal))
            {
                ct.ThrowIfCancellationRequested();
                var hash = prefix + Path.GetFileName(file);
                if (ArtifactHash.IsValid(hash)) yield return hash;
            }
            await Task.Yield();
        }
    }

    private async Task<bool> IsIntactAsync(string hash, CancellationToken ct)
    {
        try
        {
            await VerifyAsync(hash, ct);
            return true;
        }
        catch (ArtifactCorruptedException)
        {
            return false;
        }
    }

    private async Task DecodeAsync(string hash, string path, Stream stored, Stream target, CancellationToken ct)
    {
        try
        {
            await _codec.DecodeAsync(stored, target, hash, ct);
        }
        catch (BlobFormatException e)
        {
            throw new ArtifactCorruptedException(hash, path, e.Message);
        }
    }

    private FileStream OpenForRead(string hash, string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new ArtifactNotFoundException(hash, Root);
        }
    }

    private void EnsureMarker()
    {
        if (_markerWritten) return;
        lock (_codec)
        {
            if (_markerWritten) return;
            if (ArtifactStoreMarker.Read(Root) is null) _marker.Write(Root);
            _markerWritten = true;
        }
    }

    private static string DecryptionFailureCause(EncryptionKey key, ArtifactStoreMarker? marker) =>
        marker?.KeyFingerprint is { } stored && stored != key.Fingerprint
            ? $"the key (fingerprint {key.Fingerprint}) is not the one this store was written with (fingerprint {stored}); set the right {EncryptionKey.KeyVariable}"
            : "the ciphertext or its tag was altered, or the key is wrong";

    // A crash mid-put leaves a .part file that no blob path points at; an hour is far longer than any live put's gap.
    private static void SweepAbandonedTempFiles(string tempDir)
    {
        var cutoff = DateTime.UtcNow - TimeSpan.FromHours(1);
        foreach (var file in Directory.EnumerateFiles(tempDir, "*.part"))
        {
            if (File.GetLastWriteTimeUtc(file) < cutoff) TryDelete(file);
        }
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
