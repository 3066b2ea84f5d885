using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>Keeps an accepted API key in a cookie that page scripts and other sites can neither read nor send (HttpOnly, SameSite=Strict).</summary>
internal static class KeyCookie
{
    public static void Remember(HttpContext http, string name, string token, string path) =>
        http.Response.Cookies.Append(name, token, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Secure = http.Request.IsHttps,
            Path = path,
            IsEssential = true,
        });
}
