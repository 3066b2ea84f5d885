using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lepton.Data;

namespace Lepton.Factory.Simulation;

/// <summary>
/// A client of <c>lepton serve</c> for demos and tests: posts examples from a labelled <see cref="ITrafficSource"/> (images as
/// raw pixels, texts as strings) to <c>/models/{model}/predict</c>, notes which version answered (<c>X-Model-Version</c>)
/// and whether it was right, and sends the true labels of a share of them to the feedback endpoint in batches.
/// </summary>
public sealed class TrafficSimulator(HttpClient http, string model, ITrafficSource source)
{
    private const int FeedbackBatch = 200;
    private readonly HttpClient _http = http;
    private readonly string _model = model;
    private readonly IReadOnlyList<string> _classNames = source.ClassNames;

    /// <summary>Images from <paramref name="source"/> as raw pixels (see <see cref="ImageTrafficSource"/>).</summary>
    /// <param name="http">A client whose BaseAddress is the server (and whose default headers carry the API key).</param>
    public TrafficSimulator(HttpClient http, string model, InMemoryDataset source, float rawScale = 255f)
        : this(http, model, new ImageTrafficSource(source, rawScale))
    {
    }

    public async Task<TrafficResult> RunAsync(TrafficOptions options, CancellationToken ct = default)
    {
        options.Validate(_classNames.Count);
        var plan = Plan(options);
        var tallies = new ConcurrentDictionary<string, (int Requests, int Correct)>();
        var feedback = new ConcurrentQueue<(string Id, string Label)>();
        int next = -1, failed = 0, sent = 0, done = 0;
        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        if (options.Duration is { } duration) stop.CancelAfter(duration);

        async Task Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                int i = Interlocked.Increment(ref next);
                if (options.Duration is null && i >= plan.Length) return;
                if (options.RatePerSecond is { } rate && TimeSpan.FromSeconds(i / rate) - clock.Elapsed is { Ticks: > 0 } wait)
                {
                    try
                    {
                        await Task.Delay(wait, stop.Token);
                    }
                    catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                    {
                        return;
                    }
                }
                var (example, sendFeedback) = plan[i % plan.Length];
                try
                {
                    var answer = await PredictAsync(source.RequestBody(example, options.Drift ?? ImageDrift.None), stop.Token);
                    if (answer is null)
                    {
                        Interlocked.Increment(ref failed);
                        continue;
                    }
                    string truth = _classNames[source.Label(example)];
                    tallies.AddOrUpdate(answer.Value.Version, _ => (1, answer.Value.Label == truth ? 1 : 0),
                        (_, t) => (t.Requests + 1, t.Correct + (answer.Value.Label == truth ? 1 : 0)));
                    Interlocked.Increment(ref done);
                    if (sendFeedback) feedback.Enqueue((answer.Value.PredictionId, truth));
                    if (feedback.Count >= FeedbackBatch) Interlocked.Add(ref sent, await FlushFeedbackAsync(feedback, ct));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested && !ct.IsCancellationRequested)
                {
                    return; // the duration ran out mid-request
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(Worker, CancellationToken.None)));
        sent += await FlushFeedbackAsync(feedback, ct);
        var versions = tallies.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new VersionTally(t.Key, t.Value.Requests, t.Value.Correct)).ToList();
        return new TrafficResult(done + failed, failed, sent, versions, clock.Elapsed);
    }

    // The examples to send, in order, and which of them get feedback: drawn once from the seed so runs repeat.
    private (int Example, bool Feedback)[] Plan(TrafficOptions options)
    {
        var rng = new Random((int)(options.Seed % int.MaxValue));
        var byClass = Enumerable.Range(0, _classNames.Count).Select(c => Enumerable.Range(0, source.Count).Where(i => source.Label(i) == c).ToArray()).ToArray();
        var weights = options.ClassWeights ?? byClass.Select(ids => (double)ids.Length).ToArray();
        double total = weights.Where((_, c) => byClass[c].Length > 0).Sum();
        var plan = new (int, bool)[options.Requests];
        for (int r = 0; r < plan.Length; r++)
        {
            double u = rng.NextDouble() * total;
            int c = 0;
            for (; c < weights.Count - 1; c++)
            {
                if (byClass[c].Length == 0) continue;
                if ((u -= weights[c]) < 0) break;
            }
            while (byClass[c].Length == 0) c = (c + 1) % byClass.Length;
            plan[r] = (byClass[c][rng.Next(byClass[c].Length)], rng.NextDouble() < options.FeedbackFraction);
        }
        return plan;
    }

    private async Task<(string Version, string Label, string PredictionId)?> PredictAsync(string body, CancellationToken ct)
    {
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync($"models/{Uri.EscapeDataString(_model)}/predict", content, ct);
        if (!response.IsSuccessStatusCode) return null;
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(ct));
        var first = doc.RootElement.GetProperty("predictions")[0];
        string version = response.Headers.TryGetValues("X-Model-Version", out var v) ? v.First() : doc.RootElement.GetProperty("model_version").GetString()!;
        return (version, first.GetProperty("label").GetString()!, first.GetProperty("prediction_id").GetString()!);
    }

    private async Task<int> FlushFeedbackAsync(ConcurrentQueue<(string Id, string Label)> queue, CancellationToken ct)
    {
        int sent = 0;
        while (!queue.IsEmpty)
        {
            var batch = new List<object>();
            while (batch.Count < FeedbackBatch && queue.TryDequeue(out var item)) batch.Add(new { prediction_id = item.Id, label = item.Label });
            if (batch.Count == 0) break;
            using var content = new StringContent(JsonSerializer.Serialize(batch), Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
            using var response = await _http.PostAsync($"v2/models/{Uri.EscapeDataString(_model)}/feedback", content, ct);
            if (!response.IsSuccessStatusCode)
                throw new HttpRequestException($"The server refused feedback for {_model}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            sent += batch.Count;
        }
        return sent;
    }
}
