using Lepton.Serving.Batching;

namespace Lepton.Serving.Http.Dashboard;

/// <summary>Per-version live numbers of one model from the HTTP metrics (requests, errors, latency) and the batchers (rows, batches).</summary>
public static class LiveMetrics
{
    public static IReadOnlyList<LiveVersionMetrics> For(string model, HttpMetrics http, ServingMetrics serving)
    {
        var requests = http.Requests().Where(r => r.Model == model).ToList();
        var latencies = http.Latencies().Where(l => l.Model == model).ToList();
        var batchers = serving.All().Where(v => v.Model == model).ToDictionary(v => v.Version, StringComparer.Ordinal);
        // Requests refused before a version was chosen (bad input, unknown version) carry an empty version label.
        var versions = requests.Select(r => r.Version).Concat(batchers.Keys).Distinct(StringComparer.Ordinal)
            .OrderBy(v => v.Length == 0 ? 1 : 0).ThenBy(v => int.TryParse(v, out int n) ? n : int.MaxValue).ThenBy(v => v, StringComparer.Ordinal);
        var rows = new List<LiveVersionMetrics>();
        foreach (var version in versions)
        {
            var latency = HistogramQuantile.Merge(latencies.Where(l => l.Version == version).Select(l => l.Latency));
            batchers.TryGetValue(version, out var b);
            var batchSizes = b?.BatchSize.Snapshot();
            rows.Add(new LiveVersionMetrics(
                version.Length == 0 ? "(none)" : version,
                requests.Where(r => r.Version == version).Sum(r => r.Count),
                requests.Where(r => r.Version == version && r.Status >= 400).Sum(r => r.Count),
                Milliseconds(latency, 0.5),
                Milliseconds(latency, 0.99),
                b?.Requests ?? 0,
                b?.Rows ?? 0,
                b?.Batches ?? 0,
                b?.Failed ?? 0,
                b?.Rejected ?? 0,
                batchSizes is { Count: > 0 } s ? s.Sum / s.Count : null,
                b is null ? null : Milliseconds(b.ForwardSeconds.Snapshot(), 0.5)));
        }
        return rows;
    }

    private static double? Milliseconds(HistogramSnapshot? seconds, double q) =>
        seconds is null ? null : HistogramQuantile.Estimate(seconds, q) * 1000;
}
