using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lepton.Registry.Artifacts;

/// <summary>
/// AES-256-GCM at rest, in chunks so a large model never needs two full copies in memory.
/// Layout: a 32-byte header ("LEPTENC", version, chunk size, random 16-byte file id), then records of
/// [12-byte random nonce][uint32 length | final flag][ciphertext][16-byte tag]. Each record's associated data is
/// the header, its index and its length word, so records cannot be reordered, dropped or moved between files;
/// the final record's associated data also holds the plaintext SHA-256, which binds the file to its address.
/// </summary>
internal sealed class AesGcmBlobCodec(EncryptionKey key, string wrongKeyOrTamperedHint) : IBlobCodec
{
    internal const int DefaultChunkSize = 1 << 20;
    private const int HeaderSize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int RecordHeaderSize = NonceSize + 4;
    private const uint FinalFlag = 0x8000_0000u;
    private const int MaxChunkSize = 64 << 20;
    private static ReadOnlySpan<byte> Magic => "LEPTENC"u8;
    private const byte FormatVersion = 1;

    public int ChunkSize { get; set; } = DefaultChunkSize;

    public long? PlaintextLength(long storedLength) => null;

    public async Task<string> EncodeAsync(Stream source, Stream stored, CancellationToken ct)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header);
        header[7] = FormatVersion;
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(8), (uint)ChunkSize);
        RandomNumberGenerator.Fill(header.AsSpan(12, 16));
        await stored.WriteAsync(header, ct);

        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var aes = new AesGcm(key.Bytes, TagSize);
        var current = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var record = new byte[RecordHeaderSize + ChunkSize + TagSize];
        int currentLength = await FillAsync(source, current, sha, ct);
        for (ulong index = 0; ; index++)
        {
            int nextLength = currentLength == ChunkSize ? await FillAsync(source, next, sha, ct) : 0;
            bool final = nextLength == 0;
            byte[]? plaintextHash = final ? sha.GetCurrentHash() : null;
            int n = Seal(aes, header, index, current.AsSpan(0, currentLength), plaintextHash, record);
            await stored.WriteAsync(record.AsMemory(0, n), ct);
            if (final) return Convert.ToHexStringLower(plaintextHash!);
            (current, next) = (next, current);
            currentLength = nextLength;
        }
    }

    public async Task DecodeAsync(Stream stored, Stream target, string expectedHash, CancellationToken ct)
    {
        var header = new byte[HeaderSize];
        if (await ReadFullAsync(stored, header, ct) < HeaderSize) throw new BlobFormatException("truncated: shorter than the encryption header");
        if (!header.AsSpan(0, 7).SequenceEqual(Magic))
            throw new BlobFormatException("it is not an encrypted Lepton artifact (no LEPTENC header), so decryption failed");
        if (header[7] != FormatVersion)
            throw new BlobFormatException($"encryption format version {header[7]} is not supported (this build reads version {FormatVersion})");
        int chunkSize = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8)), int.MaxValue);
        if (chunkSize is < 1 or > MaxChunkSize) throw new BlobFormatException($"the header's chunk size {chunkSize} is out of range");

        var expected = Convert.FromHexString(expectedHash);
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        using var aes = new AesGcm(key.Bytes, TagSize);
        var record = new byte[RecordHeaderSize + chunkSize + TagSize];
        var plain = new byte[chunkSize];
        for (ulong index = 0; ; index++)
        {
            int got = await ReadFullAsync(stored, record.AsMemory(0, RecordHeaderSize), ct);
            if (got == 0) throw new BlobFormatException($"truncated: it ends after {index} chunks without the final chunk");
            if (got < RecordHeaderSize) throw new BlobFormatException($"truncated inside chunk {index}");
            uint word = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(NonceSize));
            bool final = (word & FinalFlag) != 0;
            int length = (int)(word & ~FinalFlag);
            if (length > chunkSize || (!final && length != chunkSize))
                throw new BlobFormatException($"chunk {index} has an impossible length {length}; the file was altered");
            if (await ReadFullAsync(stored, record.AsMemory(RecordHeaderSize, length + TagSize), ct) < length + TagSize)
                throw new BlobFormatException($"truncated inside chunk {index}");
            Open(aes, header, index, record, length, final ? expected : null, plain);
            sha.AppendData(plain, 0, length);
            await target.WriteAsync(plain.AsMemory(0, length), ct);
            if (final) break;
        }
        if (await stored.ReadAsync(new byte[1], ct) > 0) throw new BlobFormatException("it has bytes after the final chunk; the file was altered");
        if (!sha.GetHashAndReset().AsSpan().SequenceEqual(expected))
            throw new BlobFormatException("the decrypted bytes do not hash to the artifact's address");
    }

    private static int Seal(AesGcm aes, byte[] header, ulong index, ReadOnlySpan<byte> plaintext, byte[]? plaintextHash, byte[] record)
    {
        var nonce = record.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        uint word = (uint)plaintext.Length | (plaintextHash is null ? 0 : FinalFlag);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(NonceSize), word);
        var aad = AssociatedData(header, index, word, plaintextHash);
        aes.Encrypt(nonce, plaintext, record.AsSpan(RecordHeaderSize, plaintext.Length),
            record.AsSpan(RecordHeaderSize + plaintext.Length, TagSize), aad);
        return RecordHeaderSize + plaintext.Length + TagSize;
    }

    private void Open(AesGcm aes, byte[] header, ulong index, byte[] record, int length, byte[]? plaintextHash, byte[] plain)
    {
        uint word = BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(NonceSize));
        var aad = AssociatedData(header, index, word, plaintextHash);
        try
        {
            aes.Decrypt(record.AsSpan(0, NonceSize), record.AsSpan(RecordHeaderSize, length),
                record.AsSpan(RecordHeaderSize + length, TagSize), plain.AsSpan(0, length), aad);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new BlobFormatException($"decryption failed at chunk {index}: {wrongKeyOrTamperedHint}");
        }
    }

    private static byte[] AssociatedData(byte[] header, ulong index, uint word, byte[]? plaintextHash)
    {
        var aad = new byte[HeaderSize + 12 + (plaintextHash?.Length ?? 0)];
        header.CopyTo(aad, 0);
        BinaryPrimitives.WriteUInt64LittleEndian(aad.AsSpan(HeaderSize), index);
        BinaryPrimitives.WriteUInt32LittleEndian(aad.AsSpan(HeaderSize + 8), word);
        plaintextHash?.CopyTo(aad, HeaderSize + 12);
        return aad;
    }

    private static async Task<int> FillAsync(Stream source, byte[] buffer, IncrementalHash sha, CancellationToken ct)
    {
        int n = await ReadFullAsync(source, buffer, ct);
        sha.AppendData(buffer, 0, n);
        return n;
    }

    private static async Task<int> ReadFullAsync(Stream s, Memory<byte> buffer, CancellationToken ct) =>
        await s.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
}
