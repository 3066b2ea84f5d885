using Lepton.Registry.Artifacts;

namespace Lepton.Registry.Tests.Artifacts;

/// <summary>
/// The S3 backend against an in-memory fake client (no S3 server is available here): key layout, idempotent puts,
/// verified reads, encryption, listing across pages. The wire protocol itself is the SDK's and is not exercised.
/// </summary>
public sealed class S3ArtifactStoreTests
{
    private static byte[] Bytes(int n, int seed = 5)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Fact]
    public async Task PutReadListUnderPrefixAndIdempotent()
    {
        var (client, fake) = FakeS3.Create("models");
        using var store = new S3ArtifactStore(new S3ArtifactStoreOptions("models", "/team/lepton/"), client);
        var data = Bytes(70_000);
        var hash = await store.PutAsync(new MemoryStream(data));
        Assert.Equal(ArtifactHash.Of(data), hash);
        Assert.Equal($"team/lepton/sha256/{hash[..2]}/{hash[2..]}", Assert.Single(fake.Objects.Keys));
        Assert.Equal(hash, await store.PutAsync(new MemoryStream(data)));
        Assert.Equal(1, fake.Puts);
        Assert.Equal(data, await store.ReadAsync(hash));
        var copy = new MemoryStream();
        await store.CopyToAsync(hash, copy);
        Assert.Equal(data, copy.ToArray());
        Assert.True(await store.ExistsAsync(hash));

        var hashes = new List<string> { hash };
        for (int i = 0; i < 4; i++) hashes.Add(await store.PutAsync(new MemoryStream(Bytes(10, i))));
        fake.Objects["team/lepton/sha256/not-a-blob"] = [];
        var listed = new List<string>();
        await foreach (var h in store.ListAsync()) listed.Add(h);
        Assert.Equal(hashes.Order(StringComparer.Ordinal), listed);
    }

    [Fact]
    public async Task CorruptedAndMissingObjectsAreRefused()
    {
        var (client, fake) = FakeS3.Create("b");
        using var store = new S3ArtifactStore(new S3ArtifactStoreOptions("b"), client);
        var hash = await store.PutAsync(new MemoryStream(Bytes(1000)));
        var key = store.KeyOf(hash);
        fake.Objects[key][10] ^= 1;
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(hash));
        Assert.Contains(hash, e.Message);
        Assert.Contains($"s3://b/{key}", e.Message);
        fake.Objects[key] = fake.Objects[key][..500];
        await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.VerifyAsync(hash));

        // A damaged object is not "already there": putting the bytes again repairs it.
        Assert.Equal(hash, await store.PutAsync(new MemoryStream(Bytes(1000))));
        await store.VerifyAsync(hash);

        var missing = new string('0', 64);
        await Assert.ThrowsAsync<ArtifactNotFoundException>(() => store.ReadAsync(missing));
        Assert.False(await store.ExistsAsync(missing));
    }

    [Fact]
    public async Task EncryptedObjectsRoundTripAndWrongKeyFails()
    {
        var key = EncryptionKey.FromBytes(new byte[32]);
        var (client, fake) = FakeS3.Create("b");
        using var store = new S3ArtifactStore(new S3ArtifactStoreOptions("b", EncryptionKey: key), client);
        var data = Bytes(3_000_000);
        var hash = await store.PutAsync(new MemoryStream(data));
        Assert.Equal(ArtifactHash.Of(data), hash);
        Assert.Equal(data, await store.ReadAsync(hash));
        Assert.Equal("LEPTENC"u8.ToArray(), fake.Objects.Values.Single()[..7]);

        using var wrong = new S3ArtifactStore(new S3ArtifactStoreOptions("b", EncryptionKey: EncryptionKey.FromBytes(Enumerable.Repeat((byte)7, 32).ToArray())), client);
        Assert.Contains("decryption failed", (await Assert.ThrowsAsync<ArtifactCorruptedException>(() => wrong.ReadAsync(hash))).Message);
    }

    [Fact]
    public void OptionsComeFromTheEnvironmentAndNeedABucket()
    {
        Assert.Equal("", new S3ArtifactStoreOptions("b", "").NormalizedPrefix);
        Assert.Equal("a/b/", new S3ArtifactStoreOptions("b", "a/b").NormalizedPrefix);
        Assert.Throws<ArgumentException>(() => new S3ArtifactStore(new S3ArtifactStoreOptions(" "), FakeS3.Create("x").Client));
    }
}
