using System.Security.Cryptography;
using Lepton.Registry.Artifacts;

namespace Lepton.Registry.Tests.Artifacts;

/// <summary>The local artifact folder: layout, idempotent puts, streaming, and refusal of damaged or foreign blobs.</summary>
public sealed class FileArtifactStoreTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private FileArtifactStore Store() => new(new FileArtifactStoreOptions(_temp.Sub("artifacts")));

    private static byte[] Bytes(int n, int seed = 1)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public async Task PutStoresUnderShardedHashPathAndReadsBack()
    {
        var store = Store();
        var data = Bytes(10_000);
        var hash = await store.PutAsync(new MemoryStream(data));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), hash);
        var path = Path.Combine(_temp.Sub("artifacts"), "sha256", hash[..2], hash[2..]);
        Assert.True(File.Exists(path));
        Assert.Equal(path, store.PathOf(hash));
        Assert.Equal(data, await store.ReadAsync(hash));
        Assert.True(await store.ExistsAsync(hash));
        await store.VerifyAsync(hash);
        Assert.Empty(Directory.GetFiles(Path.Combine(_temp.Sub("artifacts"), "sha256", ".tmp")));
    }

    [Fact]
    public async Task PutIsIdempotentAndListsEachHashOnce()
    {
        var store = Store();
        var a = await store.PutAsync(new MemoryStream(Bytes(100, 1)));
        var again = await store.PutAsync(new MemoryStream(Bytes(100, 1)));
        var b = await store.PutAsync(new MemoryStream(Bytes(100, 2)));
        var empty = await store.PutAsync(new MemoryStream());
        Assert.Equal(a, again);
        var listed = new List<string>();
        await foreach (var h in store.ListAsync()) listed.Add(h);
        Assert.Equal(new[] { a, b, empty }.Order(StringComparer.Ordinal), listed);
        Assert.Empty(await store.ReadAsync(empty));
    }

    [Fact]
    public async Task PutReplacesADamagedCopyWithTheFreshBytes()
    {
        var store = Store();
        var data = Bytes(500);
        var hash = await store.PutAsync(new MemoryStream(data));
        File.WriteAllBytes(store.PathOf(hash), Bytes(500, 9));
        Assert.Equal(hash, await store.PutAsync(new MemoryStream(data)));
        Assert.Equal(data, await store.ReadAsync(hash));
    }

    [Fact]
    public async Task FlippedByteIsDetectedOnLoadWithHashAndPath()
    {
        var store = Store();
        var hash = await store.PutAsync(new MemoryStream(Bytes(4096)));
        var path = store.PathOf(hash);
        var bytes = File.ReadAllBytes(path);
        bytes[1234] ^= 0x01;
        File.WriteAllBytes(path, bytes);
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(hash));
        Assert.Contains(hash, e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(hash, e.Hash);
        await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.VerifyAsync(hash));
        await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.CopyToAsync(hash, Stream.Null));
    }

    [Fact]
    public async Task TruncationIsDetectedOnLoadWithHashAndPath()
    {
        var store = Store();
        var hash = await store.PutAsync(new MemoryStream(Bytes(4096)));
        var path = store.PathOf(hash);
        using (var f = new FileStream(path, FileMode.Open)) f.SetLength(4000);
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(hash));
        Assert.Contains(hash, e.Message);
        Assert.Contains(path, e.Message);
        Assert.Contains("4,000 bytes", e.Message);
    }

    [Fact]
    public async Task AForeignFileUnderAHashNameIsRefused()
    {
        var store = Store();
        var a = await store.PutAsync(new MemoryStream(Bytes(64, 1)));
        var b = await store.PutAsync(new MemoryStream(Bytes(64, 2)));
        File.Copy(store.PathOf(b), store.PathOf(a), overwrite: true);
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(a));
        Assert.Contains(a, e.Message);
        Assert.Contains(b, e.Message); // the message says what the bytes really are
    }

    [Fact]
    public async Task MissingHashThrowsNotFoundAndMalformedHashIsRejected()
    {
        var store = Store();
        var missing = new string('a', 64);
        var e = await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.ReadAsync(missing));
        Assert.Equal(missing, e.Hash);
        Assert.False(await store.ExistsAsync(missing));
        foreach (var bad in new[] { "", "../../etc/passwd", new string('A', 64), new string('a', 63), "ab/" + new string('a', 61) })
            await Assert.ThrowsAsync<ArgumentException>(() => store.ReadAsync(bad));
    }

    [Fact]
    public async Task LargeBlobStreamsThroughCopyTo()
    {
        var store = Store();
        var data = Bytes(3 * 1024 * 1024 + 17);
        var hash = await store.PutAsync(new MemoryStream(data));
        var copy = new MemoryStream();
        await store.CopyToAsync(hash, copy);
        Assert.Equal(data, copy.ToArray());
    }

    [Fact]
    public async Task ConcurrentPutsOfTheSameBytesLeaveOneIntactBlob()
    {
        var store = Store();
        var data = Bytes(200_000);
        var hashes = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => store.PutAsync(new MemoryStream(data)))));
        Assert.Single(hashes.Distinct());
        Assert.Equal(data, await store.ReadAsync(hashes[0]));
    }

    [Fact]
    public async Task AbandonedTempFilesFromACrashAreSweptOnFirstPut()
    {
        var tempDir = Path.Combine(_temp.Sub("artifacts"), "sha256", ".tmp");
        Directory.CreateDirectory(tempDir);
        var old = Path.Combine(tempDir, "crashed.part");
        var recent = Path.Combine(tempDir, "in-flight.part");
        File.WriteAllBytes(old, [1, 2, 3]);
        File.WriteAllBytes(recent, [1, 2, 3]);
        File.SetLastWriteTimeUtc(old, DateTime.UtcNow.AddDays(-1));
        var store = Store();
        var hash = await store.PutAsync(new MemoryStream(Bytes(10)));
        Assert.False(File.Exists(old));
        Assert.True(File.Exists(recent));
        var listed = new List<string>();
        await foreach (var h in store.ListAsync()) listed.Add(h);
        Assert.Equal([hash], listed);
    }

    [Fact]
    public void DirectorySyncWorksOnARealFolder()
    {
        // The libc open/fsync path must not throw on a real directory (it is what makes renames durable).
        DurableFileSystem.SyncDirectory(_temp.Path);
        Assert.Throws<IOException>(() => DurableFileSystem.SyncDirectory(_temp.Sub("missing")));
    }
}
