using System.Security.Cryptography;
using System.Text;
using Lepton.Registry.Artifacts;

namespace Lepton.Registry.Tests.Artifacts;

/// <summary>AES-256-GCM at rest: round trips across chunk boundaries, wrong keys, tampering, and key handling.</summary>
public sealed class EncryptedArtifactStoreTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private static readonly EncryptionKey Key = EncryptionKey.FromBytes(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly EncryptionKey OtherKey = EncryptionKey.FromBytes(Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());

    public void Dispose() => _temp.Dispose();

    private string Root => _temp.Sub("artifacts");

    private FileArtifactStore Store(EncryptionKey? key = null, int chunk = 4096) =>
        new(new FileArtifactStoreOptions(Root, key ?? Key)) { EncryptionChunkSize = chunk };

    private static byte[] Bytes(int n, int seed = 3)
    {
        var b = new byte[n];
        new Random(seed).NextBytes(b);
        return b;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4095)]
    [InlineData(4096)]
    [InlineData(4097)]
    [InlineData(3 * 4096)]
    [InlineData(50_000)]
    public async Task RoundTripKeepsPlaintextHashAsAddressAndHidesTheBytes(int size)
    {
        var store = Store();
        var data = Bytes(size);
        var hash = await store.PutAsync(new MemoryStream(data));
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(data)), hash);
        Assert.Equal(data, await store.ReadAsync(hash));
        var stored = File.ReadAllBytes(store.PathOf(hash));
        Assert.StartsWith("LEPTENC", Encoding.ASCII.GetString(stored, 0, 7));
        if (size >= 64) Assert.Equal(-1, stored.AsSpan().IndexOf(data.AsSpan(0, 64)));
        Assert.True(store.Encrypted);
    }

    [Fact]
    public async Task SameBytesEncryptDifferentlyEachTimeButStayOneAddress()
    {
        var first = Store();
        var hash = await first.PutAsync(new MemoryStream(Bytes(100)));
        var ciphertext = File.ReadAllBytes(first.PathOf(hash));
        File.Delete(first.PathOf(hash));
        Assert.Equal(hash, await first.PutAsync(new MemoryStream(Bytes(100))));
        Assert.NotEqual(ciphertext, File.ReadAllBytes(first.PathOf(hash))); // fresh random nonce and file id
    }

    [Fact]
    public async Task WrongKeyIsReportedAsDecryptionFailureWithoutKeyMaterial()
    {
        var hash = await Store().PutAsync(new MemoryStream(Bytes(10_000)));
        var wrong = Store(OtherKey);
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => wrong.ReadAsync(hash));
        Assert.Contains("decryption failed", e.Message);
        Assert.Contains("not the one this store was written with", e.Message);
        Assert.Contains(hash, e.Message);
        Assert.DoesNotContain(Convert.ToHexString(OtherKey.Bytes), e.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(Convert.ToBase64String(OtherKey.Bytes), e.Message);
    }

    [Theory]
    [InlineData(40)]      // first chunk's ciphertext
    [InlineData(4096 + 60)] // second chunk
    [InlineData(20)]      // header (file id), bound as associated data
    [InlineData(-1)]      // last byte: the final tag
    public async Task TamperedCiphertextIsRefused(int offset)
    {
        var store = Store();
        var hash = await store.PutAsync(new MemoryStream(Bytes(10_000)));
        var path = store.PathOf(hash);
        var bytes = File.ReadAllBytes(path);
        bytes[offset < 0 ? bytes.Length + offset : offset] ^= 0x80;
        File.WriteAllBytes(path, bytes);
        var e = await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(hash));
        Assert.Contains("decryption failed", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public async Task TruncatedDroppedAndForeignCiphertextsAreRefused()
    {
        var store = Store();
        var a = await store.PutAsync(new MemoryStream(Bytes(10_000, 1)));
        var b = await store.PutAsync(new MemoryStream(Bytes(10_000, 2)));
        var original = File.ReadAllBytes(store.PathOf(a));

        File.WriteAllBytes(store.PathOf(a), original[..^100]);
        Assert.Contains("truncated", (await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(a))).Message);

        // Cut exactly at a record boundary: the final chunk is missing.
        int record = 16 + 4096 + 16;
        File.WriteAllBytes(store.PathOf(a), original[..(32 + 2 * record)]);
        Assert.Contains("without the final chunk", (await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(a))).Message);

        File.WriteAllBytes(store.PathOf(a), [.. original, 0]);
        Assert.Contains("after the final chunk", (await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(a))).Message);

        File.Copy(store.PathOf(b), store.PathOf(a), overwrite: true);
        Assert.Contains("decryption failed", (await Assert.ThrowsAsync<ArtifactCorruptedException>(() => store.ReadAsync(a))).Message);
    }

    [Fact]
    public async Task EncryptedStoreOpenedWithoutKeyFailsClearly()
    {
        await Store().PutAsync(new MemoryStream(Bytes(10)));
        var e = Assert.Throws<InvalidOperationException>(() => new FileArtifactStore(new FileArtifactStoreOptions(Root)));
        Assert.Contains("encrypted", e.Message);
        Assert.Contains(EncryptionKey.KeyVariable, e.Message);
    }

    [Fact]
    public async Task PlainStoreOpenedWithAKeyFailsClearly()
    {
        await new FileArtifactStore(new FileArtifactStoreOptions(Root)).PutAsync(new MemoryStream(Bytes(10)));
        var e = Assert.Throws<InvalidOperationException>(() => Store());
        Assert.Contains("created without encryption", e.Message);
    }

    [Fact]
    public void KeysParseFromHexBase64AndFilesAndNeverPrintThemselves()
    {
        var raw = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        Assert.Equal(Key.Fingerprint, EncryptionKey.Parse(Convert.ToHexString(raw)).Fingerprint);
        Assert.Equal(Key.Fingerprint, EncryptionKey.Parse(" " + Convert.ToBase64String(raw) + "\n").Fingerprint);
        var file = _temp.Sub("key.bin");
        File.WriteAllBytes(file, raw);
        Assert.Equal(Key.Fingerprint, EncryptionKey.FromFile(file).Fingerprint);
        File.WriteAllText(file, Convert.ToBase64String(raw));
        Assert.Equal(Key.Fingerprint, EncryptionKey.FromFile(file).Fingerprint);
        Assert.DoesNotContain(Convert.ToHexString(raw), Key.ToString(), StringComparison.OrdinalIgnoreCase);

        var secretish = Convert.ToBase64String(raw[..31]);
        var e = Assert.Throws<FormatException>(() => EncryptionKey.Parse(secretish));
        Assert.DoesNotContain(secretish, e.Message);
        Assert.Contains("openssl rand -base64 32", e.Message);
        Assert.Throws<ArgumentException>(() => EncryptionKey.FromBytes(new byte[16]));
    }
}
