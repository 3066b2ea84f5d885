using System.Diagnostics;
using Lepton.Engine;
using Lepton.Serving.Models;
using Lepton.Serving.Protocol;
using Microsoft.AspNetCore.Http;

namespace Lepton.Serving.Http;

/// <summary>What one answered request produced: the outputs and the ids under which its rows were logged.</summary>
public sealed record InferenceOutcome(ClassifierOutputs Outputs, string PredictionId, IReadOnlyList<string> RowPredictionIds);

/// <summary>
/// The common path of infer and predict once the input is validated: preprocess, run through the version's
/// batcher, compute probabilities, stamp the prediction id and served version on the response, and queue one
/// prediction-log entry per row (never waiting for the log).
/// </summary>
public static class InferencePipeline
{
    public const string PredictionIdHeader = "X-Prediction-Id";
    public const string ModelVersionHeader = "X-Model-Version";

    // raw: (N, ...example shape) float32 values as the client sent them.
    public static async Task<InferenceOutcome> RunAsync(ServingContext serving, HttpContext http, ModelLease lease, Tensor raw, bool preprocess)
    {
        http.Items[RequestMetricsMiddleware.ModelItem] = lease.Name;
        http.Items[RequestMetricsMiddleware.VersionItem] = lease.VersionLabel;
        var x = preprocess ? lease.Preprocessing.Apply(raw) : raw;
        var logits = await lease.InferAsync(x, http.RequestAborted);
        int rows = raw.Shape[0];
        var outputs = new ClassifierOutputs(logits.Contiguous().ToArray(), rows, lease.ClassNames);

        string id = Guid.CreateVersion7().ToString("N");
        IReadOnlyList<string> rowIds = rows == 1 ? [id] : [.. Enumerable.Range(0, rows).Select(i => $"{id}-{i}")];
        http.Response.Headers[PredictionIdHeader] = id;
        http.Response.Headers[ModelVersionHeader] = lease.VersionLabel;
        if (serving.Sink is { } sink) Log(serving, sink, http, lease, raw, outputs, rowIds);
        return new InferenceOutcome(outputs, id, rowIds);
    }

    private static void Log(ServingContext serving, IPredictionSink sink, HttpContext http, ModelLease lease, Tensor raw, ClassifierOutputs outputs,
        IReadOnlyList<string> rowIds)
    {
        double latencyMs = http.Items[RequestMetricsMiddleware.StartItem] is long start ? Stopwatch.GetElapsedTime(start).TotalMilliseconds : 0;
        var values = raw.Contiguous().ToArray();
        int perRow = values.Length / outputs.Rows;
        var now = DateTimeOffset.UtcNow;
        for (int r = 0; r < outputs.Rows; r++)
        {
            var row = values.AsSpan(r * perRow, perRow);
            int top = outputs.TopClass[r];
            float[]? sample = serving.Options.RawInputSampleRate > 0 && Random.Shared.NextDouble() < serving.Options.RawInputSampleRate ? row.ToArray() : null;
            sink.Enqueue(new PredictionEvent(rowIds[r], lease.Name, lease.Version, lease.VersionLabel, now, latencyMs, Summarize(row),
                outputs.Label(top), top, outputs.RowProbabilities(r).ToArray(), sample));
        }
    }

    internal static InputSummary Summarize(ReadOnlySpan<float> row)
    {
        if (row.IsEmpty) return new InputSummary(0, 0, 0, 0);
        double sum = 0, sumSq = 0, min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (float v in row)
        {
            sum += v;
            sumSq += (double)v * v;
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }
        double mean = sum / row.Length;
        return new InputSummary(mean, Math.Sqrt(Math.Max(0, sumSq / row.Length - mean * mean)), min, max);
    }
}
