using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>Maps <c>GET /</c> (the dashboard page) and <c>GET /dashboard.json</c> (the same data for scripts).</summary>
public static class DashboardEndpoints
{
    /// <summary>Send the key as a query parameter once; the answer moves it into a cookie and redirects to a clean URL.</summary>
    public const string KeyParameter = "key";

    /// <summary><paramref name="authenticator"/> is null when the server runs without keys (--no-auth).</summary>
    public static void Map(IEndpointRouteBuilder app, ApiKeyAuthenticator? authenticator)
    {
        var serving = app.ServiceProvider.GetRequiredService<ServingContext>();
        var builder = new DashboardDataBuilder(serving);
        var auth = new DashboardAuth(authenticator);

        app.MapGet("/", async (HttpContext http) =>
        {
            if (auth.Required && http.Request.Query.TryGetValue(KeyParameter, out var keys) && keys.ToString() is { Length: > 0 } key)
            {
                var given = await auth.CheckTokenAsync(key, http.RequestAborted);
                if (given != DashboardAuth.Verdict.Allowed) return Refused(given);
                DashboardAuth.Remember(http, key);
                return Results.Redirect("/", permanent: false);
            }
            var verdict = await auth.CheckRequestAsync(http);
            if (verdict != DashboardAuth.Verdict.Allowed) return Refused(verdict);
            var data = await builder.BuildAsync(http.RequestAborted);
            string html = await DashboardPage.RenderAsync(data, serving.DashboardPanels, http.RequestAborted);
            Secure(http);
            return Results.Content(html, "text/html; charset=utf-8");
        }).ExcludeFromDescription();

        app.MapGet("/dashboard.json", async (HttpContext http) =>
        {
            var verdict = await auth.CheckRequestAsync(http);
            if (verdict != DashboardAuth.Verdict.Allowed)
            {
                await ErrorResponses.WriteAsync(http, DashboardAuth.StatusOf(verdict), DashboardAuth.Explain(verdict),
                    challenge: verdict == DashboardAuth.Verdict.NotAdmin ? null : "Bearer");
                return Results.Empty;
            }
            var data = await builder.BuildAsync(http.RequestAborted);
            http.Response.Headers.CacheControl = "no-store";
            return Results.Json(data, DashboardJson.Options);
        }).WithTags("Operations").WithSummary("The dashboard's data as JSON (needs an admin key when the server checks keys).");
    }

    private static IResult Refused(DashboardAuth.Verdict verdict) => new RefusalPage(verdict);

    private static void Secure(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        // The page needs nothing but its own inline style and SVG: no scripts, no frames, no outside requests.
        http.Response.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; form-action 'none'";
    }

    /// <summary>The small HTML page a refused browser sees, with WWW-Authenticate on 401.</summary>
    private sealed class RefusalPage(DashboardAuth.Verdict verdict) : IResult
    {
        public Task ExecuteAsync(HttpContext http)
        {
            int status = DashboardAuth.StatusOf(verdict);
            http.Response.StatusCode = status;
            if (status == 401) http.Response.Headers.WWWAuthenticate = "Bearer";
            Secure(http);
            http.Response.ContentType = "text/html; charset=utf-8";
            string title = status == 401 ? "API key needed" : "Admin scope needed";
            return http.Response.WriteAsync(
                $"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Lepton: {title}</title>"
                + $"<style>{DashboardStyle.Css}</style></head><body><main><h1>{title}</h1><p>{Html.E(DashboardAuth.Explain(verdict))}</p></main></body></html>",
                http.RequestAborted);
        }
    }
}
