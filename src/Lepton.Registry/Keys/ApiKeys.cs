using System.Security.Cryptography;
using System.Text;
using Lepton.Registry.Store;

namespace Lepton.Registry.Keys;

/// <summary>A newly created key: the secret is shown once and never stored.</summary>
public sealed record CreatedApiKey(ApiKeyRecord Record, string Secret);

/// <summary>
/// API keys of the form <c>lk_&lt;64 hex&gt;</c>. Only a SHA-256 of the token is stored; the token has 256
/// bits of entropy, so a fast hash is enough (nothing to brute-force).
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "lk_";

    public static async Task<CreatedApiKey> CreateAsync(IRegistryStore store, string name, KeyScopes scopes, DateTimeOffset? expiresAt,
        string actor, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Any(char.IsControl))
            throw new ArgumentException("Key name must be 1..100 printable characters.");
        if (scopes == KeyScopes.None) throw new ArgumentException("A key needs at least one scope: predict, feedback or admin.");
        if (expiresAt is { } e && e <= DateTimeOffset.UtcNow) throw new ArgumentException($"Key expiry {e:O} is in the past.");
        string token = Prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var record = await store.AddApiKeyAsync(name, Hash(token), scopes, expiresAt, actor, ct);
        return new CreatedApiKey(record, token);
    }

    /// <summary>The key a presented token belongs to, when it is valid, unexpired, unrevoked and has the scope; otherwise null.</summary>
    public static async Task<ApiKeyRecord?> AuthenticateAsync(IRegistryStore store, string token, KeyScopes required, CancellationToken ct = default)
    {
        if (!token.StartsWith(Prefix, StringComparison.Ordinal) || token.Length != Prefix.Length + 64) return null;
        var presented = Encoding.ASCII.GetBytes(Hash(token));
        ApiKeyRecord? match = null;
        // Compare against every key in constant time per key, so timing reveals nothing about near misses.
        foreach (var record in await store.ListApiKeysAsync(ct))
            if (CryptographicOperations.FixedTimeEquals(presented, Encoding.ASCII.GetBytes(record.SecretHash))) match = record;
        if (match is null || match.RevokedAt is not null) return null;
        if (match.ExpiresAt is { } exp && exp <= DateTimeOffset.UtcNow) return null;
        // Admin implies every scope.
        return (match.Scopes & (required | KeyScopes.Admin)) != 0 ? match : null;
    }

    public static KeyScopes ParseScopes(string text)
    {
        var scopes = KeyScopes.None;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            scopes |= part.ToLowerInvariant() switch
            {
                "predict" => KeyScopes.Predict,
                "feedback" => KeyScopes.Feedback,
                "admin" => KeyScopes.Admin,
                _ => throw new ArgumentException($"Unknown scope '{part}'. Scopes are predict, feedback and admin (comma-separated)."),
            };
        }
        return scopes;
    }

    public static string FormatScopes(KeyScopes scopes) =>
        string.Join(",", new[] { KeyScopes.Predict, KeyScopes.Feedback, KeyScopes.Admin }.Where(s => scopes.HasFlag(s)).Select(s => s.ToString().ToLowerInvariant()));

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
