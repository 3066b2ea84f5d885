using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>Answers 429 with Retry-After once a key has spent its shared budget for the window; applies to the endpoints that need a scope, as the in-process limiter does.</summary>
internal sealed class SharedRateLimitMiddleware(RequestDelegate next, SharedRateBudget budget, double perSecond)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<RequiredScope>() is null)
        {
            await next(http);
            return;
        }
        var decision = await budget.TakeAsync(RateWindow.Partition(http), http.RequestAborted);
        if (decision.Allowed)
        {
            await next(http);
            return;
        }
        await ErrorResponses.WriteAsync(http, 429,
            $"Rate limit of {perSecond.ToString(CultureInfo.InvariantCulture)} requests per second per key exceeded (counted across all replicas); retry after the Retry-After seconds.",
            decision.RetryAfter);
    }
}
