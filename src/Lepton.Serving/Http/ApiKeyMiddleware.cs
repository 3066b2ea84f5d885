using Lepton.Registry.Store;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>
/// Enforces <see cref="RequiredScope"/> on endpoints: 401 without a valid bearer key (missing, unknown,
/// expired or revoked), 403 when the key lacks the scope. Runs after routing so it knows the endpoint.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, ApiKeyAuthenticator? authenticator)
{
    /// <summary>HttpContext.Items key of the authenticated key's id (used for per-key rate limits and the audit trail).</summary>
    public const string KeyIdItem = "lepton.api_key_id";

    public async Task InvokeAsync(HttpContext context)
    {
        var required = context.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>();
        if (required is null || authenticator is null)
        {
            await next(context);
            return;
        }
        string header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || header.Length <= 7)
        {
            await ErrorResponses.WriteAsync(context, 401,
                "This endpoint needs an API key: send Authorization: Bearer <key> (create one with lepton keys create).", challenge: "Bearer");
            return;
        }
        var key = await authenticator.AuthenticateAsync(header[7..].Trim(), context.RequestAborted);
        if (key is null)
        {
            await ErrorResponses.WriteAsync(context, 401, "The API key is unknown, expired or revoked; check it with lepton keys list.",
                challenge: "Bearer error=\"invalid_token\"");
            return;
        }
        if (!ApiKeyAuthenticator.Allows(key, required.Scope))
        {
            await ErrorResponses.WriteAsync(context, 403,
                $"API key {key.Id} has scope {Registry.Keys.ApiKeys.FormatScopes(key.Scopes)}, but this endpoint needs {Registry.Keys.ApiKeys.FormatScopes(required.Scope)}.");
            return;
        }
        context.Items[KeyIdItem] = key.Id;
        await next(context);
    }
}
