using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Lepton.Bench;

/// <summary>
/// The load client of bench/replicas.sh: keeps CONNECTIONS requests in flight against URL for SECONDS and records every
/// response (start and end time, status, the model version it names, the replica HAProxy says answered, the prediction id)
/// in a CSV, so the script can check that none failed, that each names one version, when each replica switched, and that
/// the prediction log holds every answered request. Prints one `RESULT {json}` summary line.
/// </summary>
/// <remarks>wrk's Lua has no wall clock finer than a second and no per-response file output across threads, hence a client of our own.</remarks>
internal static class ReplicaLoad
{
    // `replica-load URL BODY.json CONNECTIONS SECONDS OUT.csv`
    public static int Run(string[] args)
    {
        if (args.Length != 5)
        {
            Console.Error.WriteLine("usage: replica-load URL BODY.json CONNECTIONS SECONDS OUT.csv");
            return 2;
        }
        string url = args[0];
        byte[] body = File.ReadAllBytes(args[1]);
        int connections = int.Parse(args[2], CultureInfo.InvariantCulture);
        double seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        }) { Timeout = TimeSpan.FromSeconds(30) };

        var until = Stopwatch.StartNew();
        var limit = TimeSpan.FromSeconds(seconds);
        var perWorker = new List<Record>[connections];
        var workers = Enumerable.Range(0, connections).Select(w => Task.Run(async () =>
        {
            var records = perWorker[w] = new List<Record>(4096);
            while (until.Elapsed < limit) records.Add(await SendAsync(client, url, body));
        })).ToArray();
        Task.WaitAll(workers);

        var all = perWorker.SelectMany(r => r).OrderBy(r => r.StartMs).ToList();
        using (var csv = new StreamWriter(args[4], false, new UTF8Encoding(false)))
        {
            csv.WriteLine("start_ms,end_ms,status,version,replica,prediction_id,error");
            foreach (var r in all)
                csv.WriteLine(string.Join(',', r.StartMs, r.EndMs, r.Status, r.Version, r.Replica, r.PredictionId, r.Error));
        }
        var latencies = all.Where(r => r.Status == 200).Select(r => (double)(r.EndMs - r.StartMs)).Order().ToArray();
        var summary = new
        {
            requests = all.Count,
            seconds = until.Elapsed.TotalSeconds,
            rps = all.Count / until.Elapsed.TotalSeconds,
            ok = all.Count(r => r.Status == 200),
            failed = all.Count(r => r.Status != 200),
            ambiguous = all.Count(r => r.Status == 200 && r.Version is "" or "?"),
            p50_ms = Percentile(latencies, 0.50),
            p99_ms = Percentile(latencies, 0.99),
            versions = all.Where(r => r.Status == 200).GroupBy(r => r.Version).ToDictionary(g => g.Key, g => g.Count()),
            replicas = all.Where(r => r.Status == 200).GroupBy(r => r.Replica).ToDictionary(g => g.Key, g => g.Count()),
        };
        Console.WriteLine("RESULT " + JsonSerializer.Serialize(summary));
        return 0;
    }

    private static async Task<Record> SendAsync(HttpClient client, string url, byte[] body)
    {
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        try
        {
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new("application/json");
            using var response = await client.PostAsync(url, content);
            string text = await response.Content.ReadAsStringAsync();
            long end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            string replica = response.Headers.TryGetValues("X-Replica", out var r) ? Clean(r.First()) : "";
            string id = response.Headers.TryGetValues("X-Prediction-Id", out var p) ? Clean(p.First()) : "";
            string error = response.StatusCode == HttpStatusCode.OK ? "" : Clean(text.Length > 80 ? text[..80] : text);
            return new Record(start, end, (int)response.StatusCode, VersionOf(text), replica, id, error);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            return new Record(start, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), 0, "", "", "", Clean(e.GetType().Name + ": " + e.Message));
        }
    }

    /// <summary>The one "model_version" the body names; "" when none, "?" when several.</summary>
    internal static string VersionOf(string body)
    {
        const string Key = "\"model_version\":\"";
        int at = body.IndexOf(Key, StringComparison.Ordinal);
        if (at < 0) return "";
        int from = at + Key.Length, to = body.IndexOf('"', from);
        if (to < 0) return "";
        return body.IndexOf(Key, to, StringComparison.Ordinal) >= 0 ? "?" : Clean(body[from..to]);
    }

    // CSV fields: no commas, quotes or line breaks.
    private static string Clean(string text) => text.Replace(',', ';').Replace('"', '\'').ReplaceLineEndings(" ");

    private static double Percentile(double[] sorted, double q) =>
        sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(q * sorted.Length) - 1)];

    private sealed record Record(long StartMs, long EndMs, int Status, string Version, string Replica, string PredictionId, string Error);
}
