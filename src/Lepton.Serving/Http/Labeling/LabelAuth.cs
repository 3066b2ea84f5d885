using Lepton.Registry.Store;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http.Labeling;

/// <summary>
/// Who may label: anyone when the server runs without keys (loopback only); otherwise a key with the feedback scope (a label
/// is feedback) or admin, sent as <c>Authorization: Bearer</c> or kept in an HttpOnly, SameSite=Strict cookie that
/// <c>/label?key=...</c> sets. The page's own requests carry the cookie; other sites can neither read nor send it.
/// </summary>
public sealed class LabelAuth(ApiKeyAuthenticator? authenticator)
{
    public const string CookieName = "lepton_label_key";
    public const KeyScopes Scope = KeyScopes.Feedback;

    public bool Required => authenticator is not null;

    /// <summary>Null when allowed, else the status and the sentence a refused client reads.</summary>
    public async Task<(int Status, string Message)?> CheckRequestAsync(HttpContext http)
    {
        if (authenticator is null) return null;
        string header = http.Request.Headers.Authorization.ToString();
        bool fromHeader = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7;
        string? token = fromHeader ? header[7..].Trim() : http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(token))
            return (401, "Labeling needs an API key with the feedback scope: open /label?key=YOUR_KEY once (the key is then kept in a cookie), "
                         + "or send Authorization: Bearer YOUR_KEY. Create one with lepton keys create --name labeler --scopes feedback.");
        var (refused, keyId) = await AuthenticateAsync(token, http.RequestAborted);
        if (refused is not null && !fromHeader) http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/label" });
        // The key's id is who labelled (the audit trail and the feedback's actor), as for the other endpoints.
        if (keyId is not null) http.Items[ApiKeyMiddleware.KeyIdItem] = keyId;
        return refused;
    }

    public async Task<(int Status, string Message)?> CheckTokenAsync(string token, CancellationToken ct) => (await AuthenticateAsync(token, ct)).Refused;

    private async Task<((int Status, string Message)? Refused, string? KeyId)> AuthenticateAsync(string token, CancellationToken ct)
    {
        if (authenticator is null) return (null, null);
        var key = await authenticator.AuthenticateAsync(token, ct);
        if (key is null) return ((401, "The API key is unknown, expired or revoked; check it with lepton keys list, or create one with lepton keys create --name labeler --scopes feedback."), null);
        return ApiKeyAuthenticator.Allows(key, Scope) ? (null, key.Id)
            : ((403, $"API key {key.Id} has scope {Registry.Keys.ApiKeys.FormatScopes(key.Scopes)}, but labeling needs feedback (or admin); create one with lepton keys create --name labeler --scopes feedback."), null);
    }

    public static void Remember(HttpContext http, string token) => KeyCookie.Remember(http, CookieName, token, "/label");
}
