namespace Lepton.Serving.Http;

/// <summary>Another part of Lepton (monitoring, the loop) that adds labelled metric families to <c>GET /metrics</c>.</summary>
public interface IMetricsSource
{
    /// <summary>Writes whole families (Declare, then every sample); called on each scrape, so it must be cheap and thread-safe.</summary>
    void Write(PrometheusText text);
}
