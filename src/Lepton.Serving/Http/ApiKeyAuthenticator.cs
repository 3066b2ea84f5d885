using System.Collections.Concurrent;
using Lepton.Registry.Keys;
using Lepton.Registry.Store;

namespace Lepton.Serving.Http;

/// <summary>
/// Checks bearer tokens against the registry's API keys, caching each answer (valid or not) for a short
/// time so that a busy server does not query the store per request; a revoked or expired key stops working
/// within <c>ttl</c>. The cache is bounded so random tokens cannot grow it without limit.
/// </summary>
public sealed class ApiKeyAuthenticator(IRegistryStore store, TimeSpan ttl, TimeProvider? time = null)
{
    private const int MaxCachedTokens = 10_000;
    private const KeyScopes AnyScope = KeyScopes.Predict | KeyScopes.Feedback | KeyScopes.Admin;
    private readonly ConcurrentDictionary<string, (ApiKeyRecord? Key, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>The valid, unexpired, unrevoked key a token belongs to, or null.</summary>
    public async ValueTask<ApiKeyRecord?> AuthenticateAsync(string token, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_cache.TryGetValue(token, out var hit) && hit.Until > now)
            return hit.Key is { ExpiresAt: { } exp } && exp <= now ? null : hit.Key;
        var key = await ApiKeys.AuthenticateAsync(store, token, AnyScope, ct);
        if (_cache.Count >= MaxCachedTokens) _cache.Clear();
        _cache[token] = (key, now + ttl);
        return key;
    }

    /// <summary>True when the key may call an endpoint needing <paramref name="scope"/> (admin implies every scope).</summary>
    public static bool Allows(ApiKeyRecord key, KeyScopes scope) => (key.Scopes & (scope | KeyScopes.Admin)) != 0;
}
