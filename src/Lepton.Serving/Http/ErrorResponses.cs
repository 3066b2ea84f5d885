using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>Writes the protocol's error body <c>{"error": "..."}</c> with a status (and Retry-After when given).</summary>
public static class ErrorResponses
{
    // Relaxed escaping keeps messages readable ("<key>", "'") in application/json bodies; they are never embedded in HTML.
    internal static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>
    /// Replaces whatever the response holds; <paramref name="challenge"/> is sent as WWW-Authenticate (401),
    /// <paramref name="allow"/> as Allow (405).
    /// </summary>
    public static async Task WriteAsync(HttpContext context, int status, string message, TimeSpan? retryAfter = null, string? challenge = null,
        string? allow = null)
    {
        if (context.Response.HasStarted) return;
        context.Response.Clear();
        context.Response.StatusCode = status;
        if (challenge is not null) context.Response.Headers.WWWAuthenticate = challenge;
        if (allow is not null) context.Response.Headers.Allow = allow;
        if (retryAfter is { } wait)
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["error"] = message }, Json), context.RequestAborted);
    }
}
