using System.Diagnostics;
using Lepton.Serving.Batching;

namespace Lepton.Serving.Http;

/// <summary>An extra counter or gauge from another part of the server (e.g. the prediction log writer).</summary>
public sealed record MetricReading(string Name, string Type, string Help, Func<double> Read);

/// <summary>Writes everything <c>GET /metrics</c> shows: HTTP requests and latency, batching, the extra readings, and process memory and GC.</summary>
public static class MetricsExporter
{
    public static string Render(HttpMetrics http, ServingMetrics serving, IReadOnlyList<MetricReading> extra, IReadOnlyList<IMetricsSource>? sources = null)
    {
        var p = new PrometheusText();
        p.Declare("lepton_http_requests_total", "counter", "HTTP requests answered, by endpoint, model, version and status.");
        foreach (var r in http.Requests())
            p.Sample("lepton_http_requests_total", r.Count, ("route", r.Route), ("model", r.Model), ("version", r.Version), ("status", r.Status.ToString()));
        p.Declare("lepton_http_errors_total", "counter", "HTTP requests answered with a status of 400 or more.");
        foreach (var r in http.Requests().Where(r => r.Status >= 400))
            p.Sample("lepton_http_errors_total", r.Count, ("route", r.Route), ("model", r.Model), ("version", r.Version), ("status", r.Status.ToString()));
        foreach (var l in http.Latencies())
            p.Histogram("lepton_http_request_duration_seconds", "Time from request start to response end.", l.Latency, ("route", l.Route), ("model", l.Model), ("version", l.Version));

        // Prometheus wants each family's samples together, so loop family by family over the versions.
        var versions = serving.All();
        (string, string)[] Labels(VersionMetrics v) => [("model", v.Model), ("version", v.Version)];
        foreach (var v in versions) p.Histogram("lepton_batch_size_rows", "Rows per forward pass.", v.BatchSize.Snapshot(), Labels(v));
        foreach (var v in versions) p.Histogram("lepton_queue_seconds", "Time a request waited in the batching queue.", v.QueueSeconds.Snapshot(), Labels(v));
        foreach (var v in versions) p.Histogram("lepton_forward_seconds", "Time per forward pass.", v.ForwardSeconds.Snapshot(), Labels(v));
        Family(p, "lepton_inference_requests_total", "counter", "Inference requests accepted by the batcher.", versions, v => v.Requests);
        Family(p, "lepton_inference_rows_total", "counter", "Rows (examples) accepted by the batcher.", versions, v => v.Rows);
        Family(p, "lepton_inference_batches_total", "counter", "Forward passes run.", versions, v => v.Batches);
        Family(p, "lepton_inference_failed_total", "counter", "Inference requests that failed in the model.", versions, v => v.Failed);
        Family(p, "lepton_inference_rejected_total", "counter", "Inference requests refused because the queue was full.", versions, v => v.Rejected);
        Family(p, "lepton_inference_canceled_total", "counter", "Inference requests cancelled by the client.", versions, v => v.Canceled);
        Family(p, "lepton_inference_in_flight", "gauge", "Inference requests queued or running.", versions, v => v.InFlight);
        Family(p, "lepton_queue_rows", "gauge", "Rows waiting in the batching queue.", versions, v => v.QueuedRows);

        foreach (var m in extra)
        {
            p.Declare(m.Name, m.Type, m.Help);
            p.Sample(m.Name, m.Read());
        }
        foreach (var source in sources ?? []) source.Write(p);

        using var process = Process.GetCurrentProcess();
        Gauge(p, "process_resident_memory_bytes", "Resident memory of the server process.", process.WorkingSet64);
        Counter(p, "process_cpu_seconds_total", "CPU time used by the server process.", process.TotalProcessorTime.TotalSeconds);
        Gauge(p, "dotnet_gc_heap_bytes", "Bytes on the managed heap.", GC.GetTotalMemory(false));
        p.Declare("dotnet_gc_collections_total", "counter", "Garbage collections by generation.");
        for (int g = 0; g <= GC.MaxGeneration; g++) p.Sample("dotnet_gc_collections_total", GC.CollectionCount(g), ("generation", g.ToString()));
        Gauge(p, "dotnet_threadpool_threads", "Thread pool threads.", ThreadPool.ThreadCount);
        return p.ToString();
    }

    private static void Family(PrometheusText p, string name, string type, string help, IReadOnlyList<VersionMetrics> versions, Func<VersionMetrics, long> read)
    {
        p.Declare(name, type, help);
        foreach (var v in versions) p.Sample(name, read(v), ("model", v.Model), ("version", v.Version));
    }

    private static void Counter(PrometheusText p, string name, string help, double value, params (string, string)[] labels)
    {
        p.Declare(name, "counter", help);
        p.Sample(name, value, labels);
    }

    private static void Gauge(PrometheusText p, string name, string help, double value, params (string, string)[] labels)
    {
        p.Declare(name, "gauge", help);
        p.Sample(name, value, labels);
    }
}
