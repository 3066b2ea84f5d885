using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.Extensions.DependencyInjection;

namespace Lepton.Serving.Http;

/// <summary>
/// The answer for a request no endpoint took: 405 with an <c>Allow</c> header when the path exists for other methods
/// (e.g. <c>GET .../infer</c>), else 404; both with an <c>{"error"}</c> body that points at the API description.
/// </summary>
internal static class UnmatchedRequest
{
    public static Task WriteAsync(HttpContext http)
    {
        string path = http.Request.Path.Value ?? "/";
        string shown = Protocol.InferenceRequestParser.Clip(path);
        var allowed = AllowedMethods(http, path);
        if (allowed.Count == 0)
            return ErrorResponses.WriteAsync(http, 404, $"No endpoint {http.Request.Method} {shown}; see /swagger for the API.");
        return ErrorResponses.WriteAsync(http, 405, $"{shown} does not accept {http.Request.Method}; use {string.Join(" or ", allowed)}.",
            allow: string.Join(", ", allowed));
    }

    // Methods of the endpoints whose route template matches the path, other than the catch-all itself.
    private static List<string> AllowedMethods(HttpContext http, string path)
    {
        var methods = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var endpoint in http.RequestServices.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (endpoint.RoutePattern.RawText is not { } template || template.Contains("**", StringComparison.Ordinal)) continue;
            if (endpoint.Metadata.GetMetadata<IHttpMethodMetadata>() is not { HttpMethods.Count: > 0 } verbs) continue;
            var matcher = new TemplateMatcher(TemplateParser.Parse(template.TrimStart('/')), new RouteValueDictionary());
            if (matcher.TryMatch(path, new RouteValueDictionary())) methods.UnionWith(verbs.HttpMethods);
        }
        return [.. methods];
    }
}
