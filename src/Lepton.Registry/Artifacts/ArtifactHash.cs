using System.Security.Cryptography;

namespace Lepton.Registry.Artifacts;

/// <summary>SHA-256 artifact addresses: 64 lowercase hex characters.</summary>
public static class ArtifactHash
{
    public const int HexLength = 64;

    public static bool IsValid(string? hash)
    {
        if (hash is null || hash.Length != HexLength) return false;
        foreach (char c in hash)
            if (!(c is >= '0' and <= '9' or >= 'a' and <= 'f')) return false;
        return true;
    }

    /// <summary>Throws before any storage is touched when <paramref name="hash"/> is not a well-formed address.</summary>
    public static void Validate(string hash)
    {
        if (!IsValid(hash))
            throw new ArgumentException(
                $"'{Describe(hash)}' is not an artifact hash: expected 64 lowercase hex characters (a SHA-256).", nameof(hash));
    }

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    public static async Task<string> OfStreamAsync(Stream stream, CancellationToken ct = default) =>
        Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, ct));

    // Hashes arrive from files and archives; never echo an unbounded or control-laden string into an error.
    private static string Describe(string? hash)
    {
        if (hash is null) return "(null)";
        var shown = hash.Length > 80 ? hash[..80] + "..." : hash;
        return new string(shown.Select(c => char.IsControl(c) ? '?' : c).ToArray());
    }
}
