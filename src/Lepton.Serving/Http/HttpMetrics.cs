using System.Collections.Concurrent;
using Lepton.Serving.Batching;

namespace Lepton.Serving.Http;

/// <summary>
/// Request counters and latency histograms of the HTTP layer, labelled by endpoint, model, version and
/// status. Labels come from a closed set (route templates, loaded model names), so the series stay bounded.
/// </summary>
public sealed class HttpMetrics
{
    private readonly ConcurrentDictionary<(string Route, string Model, string Version, int Status), StrongBox> _requests = new();
    private readonly ConcurrentDictionary<(string Route, string Model, string Version), Histogram> _latency = new();

    public void Record(string route, string model, string version, int status, TimeSpan elapsed)
    {
        Interlocked.Increment(ref _requests.GetOrAdd((route, model, version, status), static _ => new StrongBox()).Value);
        _latency.GetOrAdd((route, model, version), static _ => new Histogram(Histogram.SecondsBounds)).Observe(elapsed.TotalSeconds);
    }

    public IReadOnlyList<(string Route, string Model, string Version, int Status, long Count)> Requests() =>
        [.. _requests.OrderBy(e => e.Key.Route, StringComparer.Ordinal).ThenBy(e => e.Key.Model, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Version, StringComparer.Ordinal).ThenBy(e => e.Key.Status)
            .Select(e => (e.Key.Route, e.Key.Model, e.Key.Version, e.Key.Status, Interlocked.Read(ref e.Value.Value)))];

    public IReadOnlyList<(string Route, string Model, string Version, HistogramSnapshot Latency)> Latencies() =>
        [.. _latency.OrderBy(e => e.Key.Route, StringComparer.Ordinal).ThenBy(e => e.Key.Model, StringComparer.Ordinal)
            .ThenBy(e => e.Key.Version, StringComparer.Ordinal).Select(e => (e.Key.Route, e.Key.Model, e.Key.Version, e.Value.Snapshot()))];

    private sealed class StrongBox
    {
        public long Value;
    }
}
