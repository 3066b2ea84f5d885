using Lepton.Registry.Store;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>
/// Who may see the dashboard: anyone when the server runs without keys (loopback only); otherwise a key with the admin
/// scope, sent as <c>Authorization: Bearer</c>, or kept in an HttpOnly, SameSite=Strict cookie that <c>/?key=...</c> sets.
/// </summary>
public sealed class DashboardAuth(ApiKeyAuthenticator? authenticator)
{
    public const string CookieName = "lepton_dashboard_key";

    /// <summary>What a request's credentials allow.</summary>
    public enum Verdict
    {
        Allowed,
        NoKey,
        BadKey,
        NotAdmin,
    }

    public bool Required => authenticator is not null;

    /// <summary>Checks the bearer header, else the cookie; a key that no longer works clears its cookie.</summary>
    public async Task<Verdict> CheckRequestAsync(HttpContext http)
    {
        if (authenticator is null) return Verdict.Allowed;
        string header = http.Request.Headers.Authorization.ToString();
        bool fromHeader = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7;
        string? token = fromHeader ? header[7..].Trim() : http.Request.Cookies[CookieName];
        if (string.IsNullOrEmpty(token)) return Verdict.NoKey;
        var verdict = await CheckTokenAsync(token, http.RequestAborted);
        if (verdict != Verdict.Allowed && !fromHeader) http.Response.Cookies.Delete(CookieName, new CookieOptions { Path = "/" });
        return verdict;
    }

    public async Task<Verdict> CheckTokenAsync(string token, CancellationToken ct)
    {
        if (authenticator is null) return Verdict.Allowed;
        var key = await authenticator.AuthenticateAsync(token, ct);
        if (key is null) return Verdict.BadKey;
        return ApiKeyAuthenticator.Allows(key, KeyScopes.Admin) ? Verdict.Allowed : Verdict.NotAdmin;
    }

    /// <summary>Keeps an accepted key in a cookie the page's scripts (there are none) and other sites cannot read or send.</summary>
    public static void Remember(HttpContext http, string token) => KeyCookie.Remember(http, CookieName, token, "/");

    /// <summary>The short explanation a refused person or script sees.</summary>
    public static string Explain(Verdict verdict) => verdict switch
    {
        Verdict.NoKey => "The dashboard needs an API key with the admin scope. Open /?key=YOUR_KEY once (the key is then kept in a cookie and "
                         + "leaves the address bar), or send Authorization: Bearer YOUR_KEY. Create a key with lepton keys create --name dashboard --scopes admin.",
        Verdict.BadKey => "The API key is unknown, expired or revoked; check it with lepton keys list, or create one with lepton keys create --name dashboard --scopes admin.",
        Verdict.NotAdmin => "This API key has no admin scope, which the dashboard needs; create one with lepton keys create --name dashboard --scopes admin.",
        _ => "",
    };

    public static int StatusOf(Verdict verdict) => verdict == Verdict.NotAdmin ? 403 : 401;
}
