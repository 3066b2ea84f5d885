using System.Data.Common;
using System.Security.Cryptography;

namespace Lepton.Registry.Store;

public abstract partial class SqlRegistryStore
{
    private const string KeyColumns = "id, name, secret_hash, scopes, created_at, expires_at, revoked_at";

    public Task<ApiKeyRecord> AddApiKeyAsync(string name, string secretHash, KeyScopes scopes, DateTimeOffset? expiresAt, string actor,
        CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Length > 100 || name.Any(char.IsControl))
            throw new ArgumentException("The key name must be 1..100 printable characters.");
        if (string.IsNullOrWhiteSpace(secretHash)) throw new ArgumentException("The key's secret hash is empty; store a hash of the secret, never the secret.");
        if (scopes == KeyScopes.None || (scopes & ~(KeyScopes.Predict | KeyScopes.Feedback | KeyScopes.Admin)) != 0)
            throw new ArgumentException($"Key scopes must be a combination of predict, feedback and admin, got {scopes}.");
        CheckActor(actor);
        return WriteAsync("key", async (c, tx) =>
        {
            var now = StoreClock.Now();
            var record = new ApiKeyRecord("key_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8)), name, secretHash, scopes, now,
                expiresAt is { } e ? StoreClock.Truncate(e) : null, null);
            await c.ExecuteAsync(tx, $"INSERT INTO api_keys ({KeyColumns}) VALUES (@id, @name, @hash, @scopes, @at, @expires, NULL)", ct,
                ("@id", record.Id), ("@name", name), ("@hash", secretHash), ("@scopes", (int)scopes), ("@at", StoreClock.ToMicroseconds(now)),
                ("@expires", StoreClock.ToMicroseconds(record.ExpiresAt)));
            await AuditAsync(c, tx, now, actor, "key.create", record.Id, new { name, scopes = scopes.ToString(), expiresAt = record.ExpiresAt }, ct);
            return record;
        }, ct);
    }

    public Task<ApiKeyRecord?> GetApiKeyAsync(string id, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        return ReadAsync(c => c.QuerySingleAsync(null, $"SELECT {KeyColumns} FROM api_keys WHERE id = @id", MapKey, ct, ("@id", id)), ct);
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken ct = default) =>
        ReadAsync<IReadOnlyList<ApiKeyRecord>>(async c => await c.QueryAsync(null, $"SELECT {KeyColumns} FROM api_keys ORDER BY created_at, id", MapKey, ct), ct);

    public Task RevokeApiKeyAsync(string id, string actor, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        CheckActor(actor);
        return WriteAsync("key", async (c, tx) =>
        {
            var now = StoreClock.Now();
            int changed = await c.ExecuteAsync(tx, "UPDATE api_keys SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL", ct,
                ("@at", StoreClock.ToMicroseconds(now)), ("@id", id));
            if (changed == 0 && await c.ScalarAsync(tx, "SELECT 1 FROM api_keys WHERE id = @id", ct, ("@id", id)) is null)
                throw new KeyNotFoundException($"No API key has the id '{id}'; list them with `lepton keys list`.");
            if (changed > 0) await AuditAsync(c, tx, now, actor, "key.revoke", id, new { }, ct);
            return true;
        }, ct);
    }

    private static ApiKeyRecord MapKey(DbDataReader r) =>
        new(r.GetString(0), r.GetString(1), r.GetString(2), (KeyScopes)r.Int32(3), r.Time(4), r.NullableTime(5), r.NullableTime(6));
}
