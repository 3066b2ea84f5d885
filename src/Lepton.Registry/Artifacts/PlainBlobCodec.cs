using System.Buffers;
using System.Security.Cryptography;

namespace Lepton.Registry.Artifacts;

/// <summary>Blobs stored byte for byte; hashed while copied so large files are read once.</summary>
internal sealed class PlainBlobCodec : IBlobCodec
{
    internal const int BufferSize = 1 << 20;

    public static readonly PlainBlobCodec Instance = new();

    public async Task<string> EncodeAsync(Stream source, Stream stored, CancellationToken ct)
    {
        var (hash, _) = await CopyHashingAsync(source, stored, ct);
        return hash;
    }

    public async Task DecodeAsync(Stream stored, Stream target, string expectedHash, CancellationToken ct)
    {
        var (hash, length) = await CopyHashingAsync(stored, target, ct);
        if (hash != expectedHash)
            throw new BlobFormatException(
                $"its {length:N0} bytes hash to {hash}: the file was modified, truncated or holds a different artifact");
    }

    public long? PlaintextLength(long storedLength) => storedLength;

    internal static async Task<(string Hash, long Length)> CopyHashingAsync(Stream source, Stream target, CancellationToken ct)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long total = 0;
        try
        {
            int n;
            while ((n = await source.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                await target.WriteAsync(buffer.AsMemory(0, n), ct);
                total += n;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
        return (Convert.ToHexStringLower(sha.GetHashAndReset()), total);
    }
}
