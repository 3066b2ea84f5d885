using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Lepton.Data.Images.Splits;

/// <summary>
/// A number in [0,1) from (seed, purpose, key) by SHA-256: the same on every machine and .NET version (unlike
/// string.GetHashCode), and independent between keys, so a split assignment never depends on which other items exist.
/// </summary>
public static class StableHash
{
    public static double Unit(int seed, string purpose, string key)
    {
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{purpose}\n{key}"), digest);
        return (BinaryPrimitives.ReadUInt64BigEndian(digest) >> 11) * (1.0 / (1UL << 53));
    }
}
