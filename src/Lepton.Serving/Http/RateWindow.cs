using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>
/// A per-second rate as whole requests per period (rates below 1/s allow one request every 1/rate seconds), and the partition
/// a request counts against: its API key, or its client address when the server runs without keys.
/// </summary>
internal readonly record struct RateWindow(TimeSpan Period, int Limit)
{
    public static RateWindow Of(double perSecond) =>
        perSecond >= 1 ? new(TimeSpan.FromSeconds(1), (int)Math.Round(perSecond)) : new(TimeSpan.FromSeconds(1 / perSecond), 1);

    public static string Partition(HttpContext http) =>
        http.Items[ApiKeyMiddleware.KeyIdItem] is string key ? "key:" + key : "ip:" + http.Connection.RemoteIpAddress;
}
