using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Lepton.Serving.Http;

/// <summary>Counts every request and times it, labelled by route template, model, version and final status.</summary>
public sealed class RequestMetricsMiddleware(RequestDelegate next, HttpMetrics metrics)
{
    /// <summary>HttpContext.Items keys the endpoints set once they know which model and version answered.</summary>
    public const string ModelItem = "lepton.model";

    public const string VersionItem = "lepton.version";

    /// <summary>HttpContext.Items key of the Stopwatch timestamp at which the request began.</summary>
    public const string StartItem = "lepton.start";

    public async Task InvokeAsync(HttpContext context)
    {
        long start = Stopwatch.GetTimestamp();
        context.Items[StartItem] = start;
        try
        {
            await next(context);
        }
        finally
        {
            string route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            string model = context.Items[ModelItem] as string ?? "";
            string version = context.Items[VersionItem] as string ?? "";
            metrics.Record(route, model, version, context.Response.StatusCode, Stopwatch.GetElapsedTime(start));
        }
    }
}
